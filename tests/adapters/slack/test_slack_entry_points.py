"""Slack end to end: signed requests through the real bolt app, a fake Slack Web API."""

from __future__ import annotations

from typing import Any

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


def _buttons(blocks: list[dict[str, Any]]) -> list[str]:
    return [
        e["text"]["text"]
        for b in blocks
        for e in b.get("elements", [])
        if e.get("type") == "button"
    ]


def _updates_of(slack: SlackDriver, message: dict[str, Any]) -> list[dict[str, Any]]:
    """chat.update calls on that message, with the blocks they set."""
    return [u.params for u in slack.fake.of("chat.update") if u.params["ts"] == message["ts"]]


async def _posted_to(slack: SlackDriver, channel: str, count: int = 1) -> list[dict[str, Any]]:
    """Messages Slack delivered to a channel (the outbox may address a DM by user id)."""

    def delivered() -> list[dict[str, Any]]:
        return [
            {**c.params, "channel": c.response["channel"], "ts": c.response["ts"]}
            for c in slack.fake.of("chat.postMessage")
            if c.response.get("ok") and c.response.get("channel") == channel
        ]

    await slack.fake.wait_until(lambda: len(delivered()) >= count)
    return delivered()


async def test_slash_command_alone_opens_the_log_form_and_the_modal_saves_an_action(
    slack: SlackDriver, slack_settings: Settings
) -> None:
    response = await slack.command(ASHA, "")
    assert response.status == 200
    [opened] = await slack.fake.wait_for("views.open")
    view = opened.params["view"]
    assert view["type"] == "modal" and view["callback_id"] == "log-action"
    assert view["title"]["text"] == "Log an extra mile"
    inputs = [b for b in view["blocks"] if b["type"] == "input"]
    # One screen of four inputs (issue 16); the details come after saving.
    assert [b["block_id"] for b in inputs] == ["extra", "customer_need", "result", "occurred_on"]
    assert [b.get("optional", False) for b in inputs] == [False, False, True, True]

    response = await slack.submit_view(
        ASHA,
        view,
        {
            "occurred_on": "2026-11-20",
            "customer_need": "Needed a heavy TV carried",
            "extra": "Carried it and strapped it in",
            "result": "She was delighted",
        },
    )
    assert response.status == 200
    assert await response.text() == ""  # closes the modal: saved on submit
    [saved] = await _posted_to(slack, "D0ASHA01")
    assert "Saved: your 1st extra-mile action" in all_text(saved["blocks"])
    assert [c.params["users"] for c in slack.fake.of("conversations.open")] == [ASHA]
    [action] = await _actions(slack_settings)
    assert action.extra == "Carried it and strapped it in" and action.person_id == "asha"
    assert str(action.occurred_on) == "2026-11-20" and action.result == "She was delighted"

    # A detail is one tap, saved at once: the clicked card is updated in place.
    assert "Busy time" in _buttons(saved["blocks"])
    await slack.click(ASHA, saved, "Busy time")
    await slack.fake.wait_until(lambda: bool(_updates_of(slack, saved)))
    [update] = _updates_of(slack, saved)
    assert update["channel"] == "D0ASHA01"
    assert "The situation" in all_text(update["blocks"])
    assert "What was the situation?" not in all_text(update["blocks"])
    assert "Busy time" not in _buttons(update["blocks"])
    assert "My own initiative" in _buttons(update["blocks"])  # the rest still one tap away
    [action] = await _actions(slack_settings)
    assert action.context == "busy"
    # No new message for a tap, and the DM channel was opened once and remembered.
    assert len(await _posted_to(slack, "D0ASHA01")) == 1
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


async def test_quick_log_by_command_saves_at_once_and_the_rest_is_taps(
    slack: SlackDriver, slack_settings: Settings
) -> None:
    """The quick path (issue 16): one line saved at once; the customer's need, how it went
    and the details are then taps on the saved card (they were seven questions)."""
    await slack.command(ASHA, "log carried bags to the car &amp; loaded them")
    [saved] = await _posted_to(slack, "D0ASHA01")
    assert "Saved: your 1st extra-mile action" in all_text(saved["blocks"])
    [action] = await _actions(slack_settings)
    assert action.extra == "carried bags to the car & loaded them"
    assert action.status == "done" and action.customer_need == ""

    # Each tap updates the card it was made on; the next tap is on that updated card.
    card = saved
    for label in ("Busy time", "My own initiative", "Yes"):
        before = len(_updates_of(slack, saved))
        await slack.click(ASHA, card, label)
        await slack.fake.wait_until(lambda n=before: len(_updates_of(slack, saved)) > n)
        card = {**_updates_of(slack, saved)[-1], "ts": saved["ts"]}
    assert "Help to the car with bulky items on…" in _buttons(card["blocks"])
    await slack.click(ASHA, card, "Help to the car with bulky items on…")
    await slack.fake.wait_until(lambda: len(_updates_of(slack, saved)) == 4)
    card = {**_updates_of(slack, saved)[-1], "ts": saved["ts"]}
    assert "One thing left: what the customer needed." in all_text(card["blocks"])

    # The customer's need (and how it went) is a short modal away.
    await slack.click(ASHA, card, "Add the customer's need")
    [opened] = await slack.fake.wait_for("views.open")
    response = await slack.submit_view(
        ASHA,
        opened.params["view"],
        {"customer_need": "Had a bad back", "result": "Her back felt better already"},
    )
    assert await response.text() == ""
    await slack.fake.wait_until(lambda: len(_updates_of(slack, saved)) == 5)
    assert "All the details are in" in all_text(_updates_of(slack, saved)[-1]["blocks"])
    [action] = await _actions(slack_settings)
    assert (action.context, action.approach, action.customer_aware) == ("busy", "initiative", True)
    assert action.offer_item_id == "carry-out" and action.customer_need == "Had a bad back"
    assert action.result == "Her back felt better already"


async def test_the_customers_need_from_its_modal_updates_the_saved_card(
    slack: SlackDriver, slack_settings: Settings
) -> None:
    await slack.command(ASHA, "log carried bags to the car and loaded them")
    [saved] = await _posted_to(slack, "D0ASHA01")
    await slack.click(ASHA, saved, "Add the customer's need")
    [opened] = await slack.fake.wait_for("views.open")
    response = await slack.submit_view(
        ASHA, opened.params["view"], {"customer_need": "Had a bad back"}
    )
    assert await response.text() == ""
    [action] = await _actions(slack_settings)
    assert action.customer_need == "Had a bad back"
    # The saved card itself shows the need now: updated in place, no new message.
    await slack.fake.wait_until(lambda: bool(_updates_of(slack, saved)), within=3)
    assert "Had a bad back" in all_text(_updates_of(slack, saved)[-1]["blocks"])
    assert "Add the customer's need" not in _buttons(_updates_of(slack, saved)[-1]["blocks"])
    assert len(await _posted_to(slack, "D0ASHA01")) == 1


async def test_slash_command_with_a_line_saves_it_at_once(
    slack: SlackDriver, slack_settings: Settings
) -> None:
    await slack.command(ASHA, "gave her a £15 voucher yesterday, took 20 min")
    [saved] = await _posted_to(slack, "D0ASHA01")
    assert "Saved: your 1st extra-mile action" in all_text(saved["blocks"])
    assert slack.fake.of("views.open") == []  # no form: one message, nothing more typed
    [action] = await _actions(slack_settings)
    assert (str(action.cost), action.minutes) == ("15.00", 20)


async def test_a_dm_that_reads_as_a_deed_is_saved_and_chat_is_not(
    slack: SlackDriver, slack_settings: Settings
) -> None:
    await slack.dm(ASHA, "Yesterday I carried a TV to a lady's car")
    [saved] = await _posted_to(slack, "D0ASHA01")
    assert "Saved: your 1st extra-mile action" in all_text(saved["blocks"])
    await slack.dm(ASHA, "thanks a lot for that")
    [_, chat] = await _posted_to(slack, "D0ASHA01", 2)
    assert "Saved" not in all_text(chat["blocks"])
    [action] = await _actions(slack_settings)
    assert action.extra == "I carried a TV to a lady's car"


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


async def test_idea_in_a_dm_offers_a_button_that_opens_the_idea_form(slack: SlackDriver) -> None:
    """A DM has no trigger to open a modal with: one tap more than /extramile idea."""
    await slack.dm(ASHA, "idea")
    await slack.fake.wait_for("chat.postMessage")
    await slack.click(ASHA, slack.posted(), "Open the form")
    [opened] = await slack.fake.wait_for("views.open")
    assert opened.params["view"]["callback_id"] == "log-idea"


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
