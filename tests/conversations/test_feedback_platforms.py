"""Feedback and the follow-up end to end on Slack and Teams."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import select

from adapters.state import RUNTIME
from app.jobs import run_job
from storage.tables import ActionRow, CustomerFeedbackRow
from storage.uow import UnitOfWork
from tests.fakes.fake_connector import ConnectorCall
from tests.fakes.slack_harness import SlackDriver, all_text
from tests.fakes.teams_harness import (
    ASHA,
    SAM,
    TeamsDriver,
    action_titled,
    assert_valid_card,
    card_text,
)

# The deed form (issue 16): four inputs, saved on submit; the date left as today.
DONE = {
    "occurred_on": "",
    "customer_need": "Needed a gift wrapped",
    "extra": "Wrapped it free while the desk was shut",
    "result": "She made her train",
}
SAMS_CHATS = (SAM["aadObjectId"], SAM["id"])  # the chat the bot opened, the one Sam writes in


def _posts_to(slack: SlackDriver, channel: str) -> list[dict[str, Any]]:
    """Messages posted to a channel, with the channel Slack's answer names."""
    return [
        {**c.params, "channel": c.response.get("channel"), "ts": c.response.get("ts")}
        for c in slack.fake.of("chat.postMessage")
        if c.response.get("channel") == channel
    ]


async def _wait_for_post(slack: SlackDriver, channel: str, text: str) -> dict[str, Any]:
    for _ in range(100):
        for post in reversed(_posts_to(slack, channel)):
            if text in all_text(post["blocks"]):
                return post
        await slack.fake.wait_for(
            "chat.postMessage", len(slack.fake.of("chat.postMessage")) + 1, within=5
        )
    raise AssertionError(f"nothing with {text!r} posted to {channel}")


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


async def _follow_up_job(app: object, days: int) -> str:
    runtime = app[RUNTIME]  # type: ignore[index]
    return await run_job(
        "follow-up",
        org=runtime.org,
        database=runtime.database,
        at=datetime.now(UTC) + timedelta(days=days),
    )


async def test_slack_message_shortcut_praise_reaches_supervisor_and_channel(
    slack: SlackDriver,
) -> None:
    await slack.interactive(
        {
            "type": "message_action",
            "callback_id": "record_feedback",
            "trigger_id": "tr.fb.1",
            "team": {"id": "T0RIVER01"},
            "user": {"id": "U0ASHA01", "name": "asha"},
            "channel": {"id": "C0REVIEWS", "name": "reviews"},
            "message_ts": "1.1",
            "message": {
                "type": "message",
                "user": "U0TOM001",
                "ts": "1.1",
                "text": "Review: Asha was brilliant, call me on 07700 900123",
            },
            "response_url": slack.fake.response_url(),
        }
    )
    [opened] = await slack.fake.wait_for("views.open")
    await slack.submit_view(
        "U0ASHA01", opened.params["view"], {"channel": "online_review", "sentiment": "positive"}
    )
    thanks = await _wait_for_post(slack, "D0ASHA01", "Feedback saved")
    assert "call me on [phone]" in all_text(thanks["blocks"])
    praise = await _wait_for_post(slack, "D0SAM001", "Praise for Asha Patel")
    assert "07700" not in all_text(praise["blocks"])
    # The channel gets it once Asha has seen what it will quote and chosen to share it.
    preview = await _wait_for_post(slack, "D0ASHA01", "will be quoted in the recognition channel")
    assert "call me on [phone]" in all_text(preview["blocks"])
    assert not any(
        c.params.get("channel") == "C0RECOG01" for c in slack.fake.of("chat.postMessage")
    )
    await slack.click("U0ASHA01", preview, "Share it", channel="D0ASHA01")
    channel = await _wait_for_post(slack, "C0RECOG01", "Praise for Asha Patel")
    assert "Asha was brilliant" in all_text(channel["blocks"])


async def test_slack_follow_up_asked_and_answered(slack: SlackDriver) -> None:
    await slack.command("U0ASHA01", "")
    [opened] = await slack.fake.wait_for("views.open")
    assert opened.params["view"]["callback_id"] == "log-action"
    response = await slack.submit_view("U0ASHA01", opened.params["view"], DONE)
    assert await response.text() == ""  # saved on submit: no review to click through
    await _wait_for_post(slack, "D0ASHA01", "Saved: your 1st")
    app = slack.client.server.app
    assert await _follow_up_job(app, 2) == "asked 0"
    assert await _follow_up_job(app, 3) == "asked 1"
    ask = await _wait_for_post(slack, "D0ASHA01", "How did it go?")
    before = len(slack.fake.of("views.open"))
    await slack.click("U0ASHA01", ask, "Tell me")
    form = (await slack.fake.wait_for("views.open", before + 1))[-1].params["view"]
    assert form["title"]["text"] == "How did it go?"
    response = await slack.submit_view(
        "U0ASHA01", form, {"affected_others": "no", "customer_noticed": "yes"}
    )
    assert await response.text() == ""
    await _wait_for_post(slack, "D0ASHA01", "That goes on the action")
    async with UnitOfWork(app[RUNTIME].database) as uow:  # type: ignore[index]
        action = (await uow.session.exec(select(ActionRow))).one()
    assert action.affected_others == "no" and action.customer_noticed is True


async def test_teams_feedback_praise_reaches_supervisor_and_channel(teams: TeamsDriver) -> None:
    await teams.say(ASHA, "feedback A lovely thank-you card from a customer")
    await teams.connector.wait_for_sent()
    form = teams.last_card()
    assert_valid_card(form)
    response = await teams.execute(
        ASHA,
        action_titled(form, "Save"),
        {
            "channel": "in_person",
            "sentiment": "positive",
            "words": "A lovely thank-you card from a customer",
            "action": "none",
        },
    )
    assert response.status == 200
    await _card_sent(teams, ASHA["id"], "Feedback saved")
    _, praise = await _card_sent(teams, SAMS_CHATS, "Praise for Asha Patel")
    assert_valid_card(praise)
    # The channel gets it once Asha has seen what it will quote and chosen to share it.
    _, preview = await _card_sent(teams, ASHA["id"], "will be quoted in the recognition channel")
    assert_valid_card(preview)
    assert "A lovely thank-you card from a customer" in card_text(preview)
    assert not any("recognition" in c.conversation_id for c in teams.connector.sent())
    response = await teams.execute(ASHA, action_titled(preview, "Share it"))
    assert response.status == 200
    await teams.connector.wait_until(
        lambda: any(
            "19:recognition@thread.tacv2" in c.conversation_id for c in teams.connector.sent()
        )
    )
    create = [
        c for c in teams.connector.calls if c.path == "/v3/conversations" and c.body.get("isGroup")
    ]
    assert create[0].body["channelData"]["channel"] == {"id": "19:recognition@thread.tacv2"}
    async with UnitOfWork(teams.client.server.app[RUNTIME].database) as uow:
        [row] = (await uow.session.exec(select(CustomerFeedbackRow))).all()
    assert row.sentiment == "positive" and row.channel == "in_person"


async def test_teams_follow_up_asked_and_answered(teams: TeamsDriver) -> None:
    await teams.say(ASHA, "log")
    await teams.connector.wait_for_sent()
    await teams.execute(ASHA, action_titled(teams.last_card(), "Save"), DONE)
    await _card_sent(teams, ASHA["id"], "Saved: your 1st")
    assert await _follow_up_job(teams.client.server.app, 3) == "asked 1"
    _, ask = await _card_sent(teams, ASHA["id"], "Did the customer notice?")
    response = await teams.execute(ASHA, action_titled(ask, "Tell me"))
    form = (await response.json())["value"]
    assert_valid_card(form)
    response = await teams.execute(
        ASHA, action_titled(form, "Send"), {"affected_others": "yes", "customer_noticed": "no"}
    )
    with_error = (await response.json())["value"]
    assert "Say briefly how other customers were affected" in card_text(with_error)
    response = await teams.execute(
        ASHA,
        action_titled(with_error, "Send"),
        {
            "affected_others": "yes",
            "customer_noticed": "no",
            "note": "Two people waited at the desk",
        },
    )
    assert "✓ Sent" in card_text((await response.json())["value"])
    _, to_sam = await _card_sent(teams, SAMS_CHATS, "affected other customers")
    assert "Two people waited" in card_text(to_sam)
