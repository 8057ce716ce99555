"""Slack end to end: signed requests through the real bolt app, a fake Slack Web API."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.settings import Settings
from storage.database import open_database
from storage.tables import ActionRow, ConversationRefRow
from storage.uow import UnitOfWork
from tests.fakes.slack_harness import SlackDriver, all_text

ASHA = "U0ASHA01"


async def _actions(settings: Settings) -> list[ActionRow]:
    database = open_database(settings.database_url)
    try:
        async with UnitOfWork(database) as uow:
            return list((await uow.session.exec(select(ActionRow))).all())
    finally:
        await database.close()


async def test_slash_command_alone_opens_the_log_form_and_the_modal_saves_an_action(
    slack: SlackDriver, slack_settings: Settings
) -> None:
    response = await slack.command(ASHA, "")
    assert response.status == 200
    [opened] = await slack.fake.wait_for("views.open")
    view = opened.params["view"]
    assert view["type"] == "modal" and view["callback_id"] == "log-action"
    assert view["title"]["text"] == "Log an extra-mile action"
    block_ids = [b.get("block_id") for b in view["blocks"] if b["type"] == "input"]
    assert block_ids[:4] == ["occurred_on", "customer_need", "offer_item", "extra"]

    response = await slack.submit_view(
        ASHA,
        view,
        {
            "occurred_on": "2026-11-20",
            "customer_need": "Needed a heavy TV carried",
            "offer_item": "carry-out",
            "extra": "Carried it and strapped it in",
            "status": "done",
            "context": "busy",
            "approach": "initiative",
            "customer_aware": "yes",
            "result": "She was delighted",
        },
    )
    assert response.status == 200
    assert await response.text() == ""  # closes the modal
    [review] = await slack.fake.wait_for("chat.postMessage")
    assert review.params["channel"] == "D0ASHA01"
    assert "Check before I save it" in all_text(review.params["blocks"])
    assert [c.params["users"] for c in slack.fake.of("conversations.open")] == [ASHA]

    await slack.click(ASHA, slack.posted(), "Save")
    [_, saved] = await slack.fake.wait_for("chat.postMessage", 2)
    assert "Saved: your 1st extra-mile action" in all_text(saved.params["blocks"])
    [action] = await _actions(slack_settings)
    assert action.extra == "Carried it and strapped it in" and action.person_id == "asha"
    # The clicked review card loses its buttons and shows the choice.
    [update] = await slack.fake.wait_for("chat.update")
    assert not [b for b in update.params["blocks"] if b["type"] == "actions"]
    assert "✓ Save" in all_text(update.params["blocks"])
    # The DM channel was opened once and remembered.
    assert len(slack.fake.of("conversations.open")) == 1


async def test_modal_errors_come_back_on_the_right_fields(slack: SlackDriver) -> None:
    await slack.command(ASHA, "")
    [opened] = await slack.fake.wait_for("views.open")
    response = await slack.submit_view(
        ASHA,
        opened.params["view"],
        {
            "occurred_on": "2026-12-25",
            "customer_need": "",
            "extra": "Walked her to the bus",
        },
    )
    assert response.status == 200
    body = await response.json()
    assert body["response_action"] == "errors"
    assert body["errors"]["occurred_on"].startswith("That date is in the future")
    assert body["errors"]["customer_need"] == "Please tell me the customer's need."
    assert "extra" not in body["errors"]
    assert slack.fake.of("chat.postMessage") == []


async def test_quick_log_by_command_then_answers_in_the_dm(
    slack: SlackDriver, slack_settings: Settings
) -> None:
    await slack.command(ASHA, "log carried bags to the car &amp; loaded them")
    [question] = await slack.fake.wait_for("chat.postMessage")
    assert "What did the customer need or expect? (1 of 7)" in all_text(question.params["blocks"])
    await slack.dm(ASHA, "Had a bad back")
    await slack.fake.wait_for("chat.postMessage", 2)
    await slack.click(ASHA, slack.posted(), "Help to the car with bulky items on request")
    await slack.fake.wait_for("chat.postMessage", 3)
    await slack.click(ASHA, slack.posted(), "I did it")
    await slack.fake.wait_for("chat.postMessage", 4)
    await slack.click(ASHA, slack.posted(), "A busy time")
    await slack.fake.wait_for("chat.postMessage", 5)
    await slack.click(ASHA, slack.posted(), "My own initiative")
    await slack.fake.wait_for("chat.postMessage", 6)
    await slack.click(ASHA, slack.posted(), "Yes")
    await slack.fake.wait_for("chat.postMessage", 7)
    await slack.dm(ASHA, "Her back felt better already")
    await slack.fake.wait_for("chat.postMessage", 8)
    assert "Check before I save it" in all_text(slack.posted()["blocks"])
    await slack.click(ASHA, slack.posted(), "Save")
    await slack.fake.wait_for("chat.postMessage", 9)
    [action] = await _actions(slack_settings)
    assert action.extra == "carried bags to the car & loaded them"
    assert action.status == "done" and action.result == "Her back felt better already"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("help", "What I can do"),
        ("offer", "Riverside Stores: our routine service offer"),
        ("mine", "You haven't logged an extra-mile action yet"),
        ("dance", "Sorry, I didn't catch that"),
    ],
)
async def test_command_words(slack: SlackDriver, text: str, expected: str) -> None:
    response = await slack.command(ASHA, text)
    assert response.status == 200
    [reply] = await slack.fake.wait_for("chat.postMessage", within=5)
    assert expected in all_text(reply.params["blocks"])


async def test_feedback_command_records_feedback_through_the_modal(slack: SlackDriver) -> None:
    await slack.command(ASHA, "feedback")
    [opened] = await slack.fake.wait_for("views.open")
    assert opened.params["view"]["callback_id"] == "feedback"
    response = await slack.submit_view(
        ASHA,
        opened.params["view"],
        {"channel": "phone", "sentiment": "mixed", "words": "Slow till, kind staff. SW1A 1AA"},
    )
    assert await response.text() == ""
    [saved] = await slack.fake.wait_for("chat.postMessage")
    assert "Slow till, kind staff. [postcode]" in all_text(saved.params["blocks"])


async def test_global_shortcut_opens_the_log_form(slack: SlackDriver) -> None:
    response = await slack.interactive(
        {
            "type": "shortcut",
            "token": "legacy",
            "action_ts": "1.1",
            "team": {"id": "T0RIVER01"},
            "user": {"id": ASHA, "username": "asha", "team_id": "T0RIVER01"},
            "callback_id": "log_action",
            "trigger_id": "tr.shortcut.1",
        }
    )
    assert response.status == 200
    [opened] = await slack.fake.wait_for("views.open")
    assert opened.params["trigger_id"] == "tr.shortcut.1"
    assert opened.params["view"]["callback_id"] == "log-action"


async def test_message_shortcut_keeps_the_text_and_author(slack: SlackDriver) -> None:
    response = await slack.interactive(
        {
            "type": "message_action",
            "token": "legacy",
            "action_ts": "1.2",
            "team": {"id": "T0RIVER01", "domain": "riverside"},
            "user": {"id": ASHA, "name": "asha"},
            "channel": {"id": "C0REVIEWS", "name": "reviews"},
            "callback_id": "record_feedback",
            "trigger_id": "tr.msg.1",
            "message_ts": "1583636382.000300",
            "message": {
                "type": "message",
                "user": "U0TOM001",
                "ts": "1583636382.000300",
                "text": "Customer emailed: &lt;3 the staff, write to me at jo@example.com",
            },
            "response_url": slack.fake.response_url(),
        }
    )
    assert response.status == 200
    [opened] = await slack.fake.wait_for("views.open")
    view = opened.params["view"]
    words = next(b for b in view["blocks"] if b.get("block_id") == "words")
    assert words["element"]["initial_value"] == (
        "Customer emailed: <3 the staff, write to me at jo@example.com"
    )
    response = await slack.submit_view(ASHA, view, {"channel": "email", "sentiment": "positive"})
    assert response.status == 200
    [saved] = await slack.fake.wait_for("chat.postMessage")
    assert "write to me at [email]" in all_text(saved.params["blocks"])


async def test_dm_is_routed_to_the_engine_and_the_channel_remembered(
    slack: SlackDriver, slack_settings: Settings
) -> None:
    response = await slack.dm(ASHA, "hello")
    assert response.status == 200
    [reply] = await slack.fake.wait_for("chat.postMessage")
    assert reply.params["channel"] == "D0ASHA01"
    assert "Hi Asha" in all_text(reply.params["blocks"])
    assert slack.fake.of("conversations.open") == []
    database = open_database(slack_settings.database_url)
    async with UnitOfWork(database) as uow:
        [ref] = (await uow.session.exec(select(ConversationRefRow))).all()
    await database.close()
    assert ref.person_id == "asha" and ref.address == {"channel": "D0ASHA01"}


async def test_log_in_a_dm_offers_a_button_that_opens_the_form(slack: SlackDriver) -> None:
    await slack.dm(ASHA, "log")
    [reply] = await slack.fake.wait_for("chat.postMessage")
    await slack.click(ASHA, slack.posted(), "Open the form")
    [opened] = await slack.fake.wait_for("views.open")
    assert opened.params["view"]["callback_id"] == "log-action"
    assert reply.params["channel"] == "D0ASHA01"


async def test_bot_messages_and_edits_are_ignored(slack: SlackDriver) -> None:
    await slack.event(
        {
            "type": "message",
            "channel": "D0ASHA01",
            "user": ASHA,
            "text": "hi",
            "channel_type": "im",
            "subtype": "message_changed",
            "ts": "1.0",
        }
    )
    await slack.event(
        {
            "type": "message",
            "channel": "D0ASHA01",
            "user": "UBOTEXTRA",
            "bot_id": "B0EXTRA01",
            "text": "hi",
            "channel_type": "im",
            "ts": "1.1",
        }
    )
    await slack.dm(ASHA, "help")  # a real one, to know the others were passed over
    await slack.fake.wait_for("chat.postMessage")
    assert len(slack.fake.of("chat.postMessage")) == 1


async def test_app_home_shows_actions_and_what_waits_on_a_supervisor(slack: SlackDriver) -> None:
    await slack.event(
        {
            "type": "app_home_opened",
            "user": "U0SAM001",
            "channel": "D0SAM001",
            "tab": "home",
            "event_ts": "1.0",
        }
    )
    [published] = await slack.fake.wait_for("views.publish")
    assert published.params["user_id"] == "U0SAM001"
    view = published.params["view"]
    assert view["type"] == "home"
    text = all_text(view["blocks"])
    assert "Hi Sam" in text and "Waiting on you (0)" in text
    assert "Nominated for the service offer" not in text  # managers only
    labels = [
        e["text"]["text"]
        for b in view["blocks"]
        for e in b.get("elements", [])
        if e.get("type") == "button"
    ]
    assert "Log an action" in labels and "Record feedback" in labels


async def test_app_home_for_a_manager_shows_nominations(slack: SlackDriver) -> None:
    await slack.event(
        {
            "type": "app_home_opened",
            "user": "U0MARIA1",
            "channel": "D0MARIA1",
            "tab": "home",
            "event_ts": "1.0",
        }
    )
    [published] = await slack.fake.wait_for("views.publish")
    assert "Nominated for the service offer (0)" in all_text(published.params["view"]["blocks"])


async def test_url_verification_is_answered(slack: SlackDriver) -> None:
    body = '{"token": "legacy", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", "type": "url_verification"}'  # noqa: E501
    response = await slack.post_raw(body, content_type="application/json")
    assert response.status == 200
    assert (await response.json())["challenge"].startswith("3eZbrw1aBm2")
