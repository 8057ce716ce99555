"""Issue 16: on Teams a message's notification (and the chat list's preview) reads the
activity's `summary` when the message is a card: every activity carrying a card has one,
the same plain line Slack sends as a message's `text` (the supervisor's first line)."""

from __future__ import annotations

from typing import Any

from adapters.state import RUNTIME
from tests.adapters.teams.test_teams_approvals import SAMS_CHATS, _card_sent
from tests.fakes.chat import Chat
from tests.fakes.deeds import propose_idea
from tests.fakes.fake_connector import ConnectorCall
from tests.fakes.teams_harness import ASHA, SAM, TeamsDriver, action_titled, card_text

# The first line of the supervisor's card (tests/conversations/test_approval_card.py), for
# the idea's own day (the real clock's, here).
FIRST_LINE = "Asha asks to spend £18 and 10 min, for "


async def propose(teams: TeamsDriver) -> dict[str, Any]:
    """Asha proposes an idea beyond her authority (through the app's engine); the card
    Sam gets on Teams, from the outbox (a chat opened with him)."""
    await teams.say(ASHA, "hi")  # the tenant is known from then on
    await teams.connector.wait_for_sent()
    engine = teams.client.server.app[RUNTIME].engine
    assert "Sent to Sam Okafor" in await propose_idea(Chat(engine, "asha"))
    _, card = await _card_sent(teams, SAM["aadObjectId"], FIRST_LINE)
    return card


def _with_cards(teams: TeamsDriver) -> list[ConnectorCall]:
    """Every activity the bot sent or replaced that carries a card."""
    return [
        c
        for c in teams.connector.calls
        if c.verb in ("POST", "PUT") and "/activities" in c.path and teams.connector.cards(c)
    ]


def _title(card: dict[str, Any]) -> str:
    return str(card["body"][0]["inlines"][0]["text"])


async def test_the_supervisors_card_notifies_with_its_first_line(teams: TeamsDriver) -> None:
    await propose(teams)
    [call] = [
        c
        for c in teams.connector.sent()
        if any(part in c.conversation_id for part in SAMS_CHATS)
        and any("asks to spend" in card_text(card) for card in teams.connector.cards(c))
    ]
    [card] = teams.connector.cards(call)
    assert call.body.get("summary") == _title(card)
    assert _title(card).startswith(FIRST_LINE)
    # A card alone: the line is the notification, not another line shown above the card.
    assert not call.body.get("text")


async def test_every_activity_carrying_a_card_has_its_line(teams: TeamsDriver) -> None:
    card = await propose(teams)
    await teams.execute(SAM, action_titled(card, "Approve"))
    await teams.connector.wait_until(lambda: any(c.verb == "PUT" for c in teams.connector.calls))
    await teams.say(ASHA, "mine")
    await teams.connector.wait_until(
        lambda: any(
            "Your recent extra-mile actions" in card_text(x)
            for c in teams.connector.sent()
            for x in teams.connector.cards(c)
        )
    )
    calls = _with_cards(teams)
    assert len(calls) >= 5
    for call in calls:
        titles = [_title(card) for card in teams.connector.cards(call)]
        text = " ".join((call.body.get("text") or "").split())
        expected = " ".join([text, *titles]) if text else " ".join(titles)
        assert call.body.get("summary") == expected, (call.verb, call.path, call.body.get("text"))
    # The replaced copy of Sam's card (PUT) keeps the first line too.
    [put] = [c for c in calls if c.verb == "PUT"][:1]
    assert put.body["summary"].startswith(FIRST_LINE)
