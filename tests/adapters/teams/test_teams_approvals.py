"""Approvals in Teams end to end, and Teams re-sending a click that got no card back."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlmodel import select

from bot.settings import Settings
from storage.database import open_database
from storage.tables import FeasibilityRequestRow
from storage.uow import UnitOfWork
from tests.adapters.slack.test_slack_approvals import EVERY_BOX, IDEA
from tests.fakes.fake_connector import ConnectorCall
from tests.fakes.settle import server_settled
from tests.fakes.teams_harness import (
    ASHA,
    SAM,
    STRANGER,
    TeamsDriver,
    action_titled,
    assert_valid_card,
    card_text,
)

SAMS_CHATS = (SAM["aadObjectId"], SAM["id"])  # the chat the bot opened, the one Sam writes in


async def _card_sent(
    teams: TeamsDriver, conversation: str | tuple[str, ...], text: str, within: float = 5.0
) -> tuple[ConnectorCall, dict[str, Any]]:
    """The first card containing `text` sent to a conversation, waiting as calls arrive."""
    parts = (conversation,) if isinstance(conversation, str) else conversation
    found: list[tuple[ConnectorCall, dict[str, Any]]] = []

    def sent() -> bool:
        for call in reversed(teams.connector.sent()):
            if any(part in call.conversation_id for part in parts):
                for card in teams.connector.cards(call):
                    if text in card_text(card):
                        found.append((call, card))
                        return True
        return False

    await teams.connector.wait_until(sent, within)
    return found[0]


async def _propose(teams: TeamsDriver) -> dict[str, Any]:
    """Asha proposes through the idea card, sent on submit (issue 16: no second card, no
    review); returns the card Sam received."""
    await teams.say(ASHA, "idea")
    await teams.connector.wait_for_sent()
    form = teams.last_card()
    assert_valid_card(form)
    response = await teams.execute(ASHA, action_titled(form, "Send"), IDEA)
    assert "✓ Sent" in card_text((await response.json())["value"])
    await _card_sent(teams, ASHA["id"], "Sent to Sam Okafor to check")
    _, card = await _card_sent(teams, SAM["aadObjectId"], "Asha asks to spend £18 and 10 min")
    assert_valid_card(card)
    return card


async def test_approve_in_teams_answers_with_the_decided_card(teams: TeamsDriver) -> None:
    card = await _propose(teams)
    creates = [c for c in teams.connector.calls if c.path == "/v3/conversations"]
    assert creates and creates[0].body["members"] == [{"id": SAM["aadObjectId"]}]
    response = await teams.execute(SAM, action_titled(card, "Approve"))
    assert response.status == 200
    decided = (await response.json())["value"]
    assert_valid_card(decided)
    assert "✅ Approved by Sam Okafor" in card_text(decided) and "actions" not in decided
    _, told = await _card_sent(teams, ASHA["id"], "Sam Okafor approved your idea")
    assert "Go ahead" in card_text(told)
    # The copy in Sam's chat is replaced too (PUT on that activity).
    await teams.connector.wait_until(lambda: any(c.verb == "PUT" for c in teams.connector.calls))
    [put] = [c for c in teams.connector.calls if c.verb == "PUT"][:1]
    assert "✅ Approved" in card_text(teams.connector.cards(put)[0])


async def test_decline_in_teams_asks_for_the_reason_on_the_card(teams: TeamsDriver) -> None:
    card = await _propose(teams)
    response = await teams.execute(SAM, action_titled(card, "Decline"))
    reason_form = (await response.json())["value"]
    assert_valid_card(reason_form)
    assert "Decline the request" in card_text(reason_form)
    response = await teams.execute(
        SAM, action_titled(reason_form, "Decline"), {"reason": "Food safety: offer a voucher"}
    )
    decided = (await response.json())["value"]
    assert "❌ Declined by Sam Okafor" in card_text(decided)
    assert "Food safety" in card_text(decided)
    _, told = await _card_sent(teams, ASHA["id"], "Sam Okafor declined your idea")
    assert "Food safety" in card_text(told)


async def test_a_resent_invoke_gets_the_card_and_decides_once(teams: TeamsDriver) -> None:
    card = await _propose(teams)
    click = teams.activity(
        SAM,
        type="invoke",
        name="adaptiveCard/action",
        value={
            "action": {
                "type": "Action.Execute",
                "verb": "request.approve",
                "data": action_titled(card, "Approve")["data"],
            },
            "trigger": "manual",
        },
    )
    first, second = await asyncio.gather(teams.post(click), teams.post(click))
    bodies = [await first.json(), await second.json()]
    for body in bodies:
        assert body["statusCode"] == 200
        assert_valid_card(body["value"])
    assert any("✅ Approved by Sam Okafor" in card_text(b["value"]) for b in bodies)
    await _card_sent(teams, ASHA["id"], "Sam Okafor approved your idea")
    # Both invokes' turns and the sends after them are done, and the outbox has nothing
    # pending: a second "approved" to Asha would be at the connector by now.
    await server_settled(teams.client.server.app)
    told = [
        c
        for c in teams.connector.sent()
        if ASHA["id"] in c.conversation_id
        and any("approved your idea" in card_text(x) for x in teams.connector.cards(c))
    ]
    assert len(told) == 1


async def test_the_invoke_answers_even_when_the_connector_is_down(teams: TeamsDriver) -> None:
    card = await _propose(teams)
    teams.connector.fail_next = [(503, {})] * 5
    response = await asyncio.wait_for(teams.execute(SAM, action_titled(card, "Approve")), 5)
    assert response.status == 200
    assert "✅ Approved" in card_text((await response.json())["value"])


async def test_an_idea_inside_authority_goes_ahead_in_teams(teams: TeamsDriver) -> None:
    await teams.say(ASHA, "idea")
    await teams.connector.wait_for_sent()
    inside = IDEA | {"cost": "0", "checked": EVERY_BOX}
    response = await teams.execute(ASHA, action_titled(teams.last_card(), "Send"), inside)
    assert "✓ Sent" in card_text((await response.json())["value"])
    _, went = await _card_sent(teams, ASHA["id"], "Go ahead: it's within your authority")
    assert_valid_card(went)
    assert not [c for c in teams.connector.calls if c.path == "/v3/conversations"]


async def test_ask_for_more_info_in_teams(teams: TeamsDriver) -> None:
    card = await _propose(teams)
    response = await teams.execute(SAM, action_titled(card, "Ask for more info"))
    ask = (await response.json())["value"]
    response = await teams.execute(SAM, action_titled(ask, "Ask"), {"question": "Which cake?"})
    waiting = (await response.json())["value"]
    assert "Waiting for Asha Patel's answer" in card_text(waiting)
    _, question = await _card_sent(teams, ASHA["id"], "Sam Okafor has a question")
    response = await teams.execute(ASHA, action_titled(question, "Answer"))
    answer_form = (await response.json())["value"]
    response = await teams.execute(
        ASHA, action_titled(answer_form, "Send"), {"answer": "The chocolate one"}
    )
    assert response.status == 200

    # One card per request (issue 16): Sam's copy is replaced in place (PUT), with the
    # buttons; the card is not sent again.
    def answered() -> list[dict[str, Any]]:
        return [
            c
            for call in teams.connector.calls
            if call.verb == "PUT"
            for c in teams.connector.cards(call)
            if "The chocolate one" in card_text(c)
        ]

    await teams.connector.wait_until(lambda: bool(answered()))
    fresh = answered()[-1]
    assert_valid_card(fresh)
    assert "Asha Patel answered your question" in card_text(fresh)
    assert [a["title"] for a in fresh["actions"]] == [
        "Approve",
        "Approve with a comment",
        "Decline",
        "Ask for more info",
        "More",
    ]
    posted = [
        c
        for call in teams.connector.sent()
        if any(part in call.conversation_id for part in SAMS_CHATS)
        for c in teams.connector.cards(call)
        if "asks to spend" in card_text(c)
    ]
    assert len(posted) == 1


LEILA = {  # staff, like Asha: she may not decide Asha's request
    "id": "29:1leila-teams-id",
    "name": "Leila Haddad",
    "aadObjectId": "3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e06",
}
MESSAGE = "application/vnd.microsoft.activity.message"  # leaves the clicked card as it was
INTERNALS = ("ref ", "Traceback", "Exception", "request.approve", "request:", "None")


async def _request_status(settings: Settings) -> str:
    database = open_database(settings.database_url)
    try:
        async with UnitOfWork(database) as uow:
            return (await uow.session.exec(select(FeasibilityRequestRow.status))).one()
    finally:
        await database.close()


def _assert_refused(body: dict[str, Any], says: str) -> None:
    assert body["statusCode"] == 200
    assert body["type"] == MESSAGE, body  # not a card: the clicked one stays as it was
    assert isinstance(body["value"], str) and says in body["value"]
    assert not any(word in body["value"] for word in INTERNALS), body["value"]


@pytest.mark.parametrize(
    ("clicker", "says"),
    [
        (LEILA, "only Asha's supervisors or a manager can decide"),
        (STRANGER, "not in Riverside Stores's organisation"),
    ],
)
async def test_a_refused_click_leaves_the_card_as_it_was(
    teams: TeamsDriver, teams_settings: Settings, clicker: dict[str, str], says: str
) -> None:
    card = await _propose(teams)
    puts = len([c for c in teams.connector.calls if c.verb == "PUT"])
    response = await teams.execute(clicker, action_titled(card, "Approve"))
    assert response.status == 200
    _assert_refused(await response.json(), says)
    assert len([c for c in teams.connector.calls if c.verb == "PUT"]) == puts
    assert await _request_status(teams_settings) == "pending"
    # The card still works for the one who may decide.
    response = await teams.execute(SAM, action_titled(card, "Approve"))
    assert "✅ Approved by Sam Okafor" in card_text((await response.json())["value"])


async def test_a_refused_invoke_sent_twice_gets_no_card_either_time(
    teams: TeamsDriver, teams_settings: Settings
) -> None:
    card = await _propose(teams)
    click = teams.activity(
        LEILA,
        type="invoke",
        name="adaptiveCard/action",
        value={
            "action": {
                "type": "Action.Execute",
                "verb": "request.approve",
                "data": action_titled(card, "Approve")["data"],
            },
            "trigger": "manual",
        },
    )
    first = await teams.post(click)
    second = await teams.post(click)  # the same activity again: the replay path
    for response in (first, second):
        assert response.status == 200
        _assert_refused(await response.json(), "only Asha's supervisors")
    assert await _request_status(teams_settings) == "pending"
