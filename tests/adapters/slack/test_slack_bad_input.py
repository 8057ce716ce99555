"""Slack: forged and stale signatures, malformed bodies, retries, markup, limits, strangers."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from slack_sdk.signature import SignatureVerifier

from adapters.slack.mount import SLACK_BOT
from adapters.slack.render import card_message, escape, form_view, text_message
from bot.messages import Button, Card, CardField, Text
from tests.fakes.fake_slack import SIGNING_SECRET
from tests.fakes.settle import server_settled
from tests.fakes.slack_harness import TEAM, SlackDriver, all_text, find_button, next_id

ASHA = "U0ASHA01"


async def test_a_forged_signature_is_refused(slack: SlackDriver) -> None:
    forged = SlackDriver(client=slack.client, fake=slack.fake, secret="not-the-secret")
    response = await forged.command(ASHA, "help")
    assert response.status == 401
    # Every turn finished and its queued replies sent: a refused request that still
    # reached the engine would have posted by now.
    await server_settled(slack.client.app)
    assert slack.fake.of("chat.postMessage") == []


async def test_a_stale_signature_is_refused(slack: SlackDriver) -> None:
    body = urlencode(
        {
            "command": "/extramile",
            "text": "help",
            "user_id": ASHA,
            "channel_id": "C1",
            "trigger_id": "t",
        }
    )
    stale = int(time.time()) - 10 * 60
    response = await slack.client.post(
        "/slack/events",
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded", **slack.sign(body, stale)},
    )
    assert response.status == 401


async def test_an_unsigned_request_is_refused(slack: SlackDriver) -> None:
    response = await slack.post_raw(
        "command=/extramile", content_type="application/x-www-form-urlencoded", signed=False
    )
    assert response.status == 401


async def test_a_malformed_body_gets_400_not_a_stack_trace(slack: SlackDriver) -> None:
    response = await slack.post_raw(
        "payload=%7Bnot json", content_type="application/x-www-form-urlencoded"
    )
    assert response.status == 400
    assert "Traceback" not in await response.text()
    response = await slack.post_raw("{broken", content_type="application/json")
    assert response.status == 400


async def test_a_malformed_forged_body_is_401(slack: SlackDriver) -> None:
    forged = SlackDriver(client=slack.client, fake=slack.fake, secret="nope")
    response = await forged.post_raw("{broken", content_type="application/json")
    assert response.status == 401


async def test_a_payload_missing_what_we_need_gets_400(slack: SlackDriver) -> None:
    response = await slack.interactive(
        {"type": "block_actions", "user": {"id": ASHA}, "actions": []}
    )
    assert response.status == 400
    response = await slack.interactive({"type": "view_submission", "user": {"id": ASHA}})
    assert response.status == 400
    # As above: whatever these two requests set going has finished.
    await server_settled(slack.client.app)
    assert slack.fake.of("chat.postMessage") == []


async def test_a_redelivered_event_changes_nothing(slack: SlackDriver) -> None:
    first = await slack.dm(ASHA, "log gave a customer my umbrella", event_id="Ev0RETRY1")
    assert first.status == 200
    await slack.fake.wait_for("chat.postMessage")
    again = await slack.dm(ASHA, "log gave a customer my umbrella", event_id="Ev0RETRY1", retry=1)
    assert again.status == 200
    # The redelivery's turn (if it ran one) and its queued reply are done: a second
    # answer would be posted by now.
    await server_settled(slack.client.app)
    assert len(slack.fake.of("chat.postMessage")) == 1


async def test_an_unknown_button_gets_a_friendly_reply(slack: SlackDriver) -> None:
    message = {
        "blocks": [
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "action_id": "approve.request|0",
                        "value": "42",
                        "text": {"type": "plain_text", "text": "Approve"},
                    }
                ],
            }
        ],
        "ts": "1.5",
    }
    response = await slack.click(ASHA, message, "Approve")
    assert response.status == 200
    # Privately, where it was clicked; the card keeps its buttons (nothing was done).
    [reply] = await slack.fake.wait_for("chat.postEphemeral")
    assert reply.params["channel"] == "D0ASHA01" and reply.params["user"] == ASHA
    assert "I don't recognise that button" in all_text(reply.params["blocks"])
    assert slack.fake.of("chat.update") == []


async def test_a_stranger_is_told_who_can_add_them(slack: SlackDriver) -> None:
    await slack.command("U0STRANGE", "log helped someone")
    [reply] = await slack.fake.wait_for("chat.postMessage")
    assert "I don't know you yet" in all_text(reply.params["blocks"])
    assert "Ola Adeyemi" in all_text(reply.params["blocks"])
    assert reply.params["channel"] == "D0STRANGE"


async def test_a_stranger_opening_app_home_sees_the_same(slack: SlackDriver) -> None:
    await slack.event(
        {
            "type": "app_home_opened",
            "user": "U0STRANGE",
            "tab": "home",
            "channel": "D0STRANGE",
            "event_ts": "1",
        }
    )
    [published] = await slack.fake.wait_for("views.publish")
    assert "I don't know you yet" in all_text(published.params["view"]["blocks"])


async def test_markup_typed_by_a_person_never_pings_or_links(slack: SlackDriver) -> None:
    """What a person typed shows as they typed it on the saved card (issue 16: a one-line
    deed is saved at once; this was the review card) and on its every update."""
    text = "<!channel> <!here> <@U0SAM001> <https://evil.example|click> & 🎉 مرحبا"
    await slack.dm(ASHA, f"log {text}".replace("<", "&lt;").replace(">", "&gt;"))
    [posted] = await slack.fake.wait_for("chat.postMessage")
    saved = slack.posted()
    assert "Saved: your 1st extra-mile action" in all_text(saved["blocks"])
    await slack.click(ASHA, saved, "Quiet time")  # a detail tap: the card is edited
    [update] = await slack.fake.wait_for("chat.update")
    for card in (saved, update.params):
        rendered = json.dumps(card["blocks"]) + card["text"]
        for markup in ("<!channel>", "<!here>", "<@U0SAM001>", "<https://"):
            assert markup not in rendered
        assert "&lt;!channel&gt; &lt;!here&gt; &lt;@U0SAM001&gt;" in all_text(card["blocks"])
        assert "🎉 مرحبا" in all_text(card["blocks"])
        sections = [b for b in card["blocks"] if b["type"] == "section"]
        assert all(b["text"].get("verbatim") is True for b in sections)
    assert posted.params["unfurl_links"] in (False, "0", "false")


def test_escape_only_touches_slack_control_characters() -> None:
    assert escape("a < b & c > d 🙂") == "a &lt; b &amp; c &gt; d 🙂"


def test_long_text_and_many_fields_are_cut_to_slack_limits() -> None:
    card = Card(
        title="T" * 300,
        text="x" * 9000,
        fields=tuple(CardField(f"label {i}", "v" * 2500) for i in range(80)),
        buttons=tuple(Button(f"button {i} " + "b" * 100, f"a{i}") for i in range(30)),
    )
    message = card_message(card)
    blocks = message.blocks_json()
    assert len(blocks) == 50
    assert blocks[-1]["type"] == "context" and "more not shown" in all_text([blocks[-1]])
    assert len(blocks[0]["text"]["text"]) == 150 and blocks[0]["text"]["text"].endswith("…")
    assert all(len(b["text"]["text"]) <= 3000 for b in blocks if b["type"] == "section")
    long_text = text_message(Text("y" * 10000)).blocks_json()
    assert sum(len(b["text"]["text"]) for b in long_text) == 10000


def test_buttons_get_unique_action_ids_within_a_block() -> None:
    card = Card(
        title="Pick", buttons=(Button("A", "log.answer", "x=1"), Button("B", "log.answer", "x=2"))
    )
    blocks = card_message(card).blocks_json()
    ids = [e["action_id"] for b in blocks for e in b.get("elements", [])]
    assert len(ids) == len(set(ids)) == 2
    assert find_button(blocks, "B")["value"] == "x=2"


def test_a_form_with_long_option_labels_still_builds_a_valid_modal() -> None:
    from bot.messages import Choice, FieldKind, Form, FormField

    form = Form(
        form_id="f",
        title="A title that is far too long for Slack",
        fields=(
            FormField(
                "c",
                "Choose",
                FieldKind.CHOICE,
                options=tuple(Choice(str(i), "o" * 200) for i in range(150)),
            ),
        ),
    )
    view = form_view(form).to_dict()
    assert len(view["title"]["text"]) == 24
    options = view["blocks"][0]["element"]["options"]
    assert len(options) == 100 and all(len(o["text"]["text"]) <= 75 for o in options)


# --- malformed input is 400, never 500, and never a traceback in the log --------------------


def _errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Anything logged at ERROR or above, or with a traceback attached."""
    return [
        f"{r.name}: {r.getMessage()}"
        for r in caplog.records
        if r.levelno >= logging.ERROR or r.exc_info
    ]


def _signed_bytes(body: bytes, timestamp: str | None = None) -> dict[str, str]:
    """Slack's signature over the raw bytes (v0:timestamp:body)."""
    stamp = timestamp if timestamp is not None else str(int(time.time()))
    base = b"v0:" + stamp.encode() + b":" + body
    digest = hmac.new(SIGNING_SECRET.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}"}


_COMMAND = urlencode(
    {
        "command": "/extramile",
        "text": "help",
        "user_id": ASHA,
        "channel_id": "D0ASHA01",
        "team_id": TEAM["id"],
        "trigger_id": "tr.bad",
    }
)


@pytest.mark.parametrize("stamp", ["soon", "9" * 5000, "-1", "1e9", "١٧٠٠٠٠٠٠٠٠", ""])
async def test_a_timestamp_that_is_not_a_number_is_400(
    slack: SlackDriver, caplog: pytest.LogCaptureFixture, stamp: str
) -> None:
    signature = SignatureVerifier(SIGNING_SECRET).generate_signature(timestamp=stamp, body=_COMMAND)
    response = await slack.client.post(
        "/slack/events",
        data=_COMMAND.encode(),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": signature,
        },
    )
    assert response.status == 400
    assert _errors(caplog) == []


async def test_a_body_that_is_not_utf8_is_400_once_signed_and_401_when_not(
    slack: SlackDriver, caplog: pytest.LogCaptureFixture
) -> None:
    body = _COMMAND.encode() + b"&extra=caf\xe9\xff"
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    response = await slack.client.post(
        "/slack/events", data=body, headers={**form, **_signed_bytes(body)}
    )
    assert response.status == 400
    forged = {**_signed_bytes(body), "X-Slack-Signature": "v0=" + "0" * 64}
    response = await slack.client.post("/slack/events", data=body, headers={**form, **forged})
    assert response.status == 401
    assert _errors(caplog) == []


@pytest.mark.parametrize("charset", ["klingon", "utf-16", "latin-1"])
async def test_a_charset_other_than_utf8_is_400(
    slack: SlackDriver, caplog: pytest.LogCaptureFixture, charset: str
) -> None:
    response = await slack.post_raw(
        _COMMAND, content_type=f"application/x-www-form-urlencoded; charset={charset}"
    )
    assert response.status == 400
    assert _errors(caplog) == []


async def test_utf8_named_in_the_content_type_is_fine(slack: SlackDriver) -> None:
    response = await slack.post_raw(
        _COMMAND, content_type="application/x-www-form-urlencoded; charset=UTF-8"
    )
    assert response.status == 200


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("payload=" + quote("[1,2]"), "application/x-www-form-urlencoded"),
        ("payload=" + quote('"x"'), "application/x-www-form-urlencoded"),
        ("payload=" + quote("null"), "application/x-www-form-urlencoded"),
        ("payload=" + quote("7"), "application/x-www-form-urlencoded"),
        ("[1, 2]", "application/json"),
        ('"x"', "application/json"),
        ("null", "application/json"),
        ('{"type": "event_callback", "team_id": "T0RIVER01", "event": "x"}', "application/json"),
        (
            '{"type": "event_callback", "team_id": "T0RIVER01", "event": {"type": "message"},'
            ' "authorizations": "x"}',
            "application/json",
        ),
        (
            '{"type": "event_callback", "team_id": "T0RIVER01", "event": {"type": "message"},'
            ' "authorizations": [7]}',
            "application/json",
        ),
        ('{"type": "event_callback", "team": 7, "event": {"type": 7}}', "application/json"),
        ('{"type": 7}', "application/json"),
        (
            '{"type": "event_callback", "team_id": "T0RIVER01", "event": {"type": "message",'
            ' "channel_type": "im", "channel": "D0ASHA01", "text": "hi"}}',
            "application/json",
        ),
        (
            '{"type": "event_callback", "team_id": "T0RIVER01", "event": {"type": "message",'
            ' "channel_type": "im", "channel": "D0ASHA01", "user": {"id": "U0ASHA01"}}}',
            "application/json",
        ),
        ('{"command": ["/extramile"]}', "application/json"),
    ],
)
async def test_a_body_of_the_wrong_shape_is_400(
    slack: SlackDriver, caplog: pytest.LogCaptureFixture, body: str, content_type: str
) -> None:
    response = await slack.post_raw(body, content_type=content_type)
    assert response.status == 400
    assert "Traceback" not in await response.text()
    assert _errors(caplog) == []


@pytest.mark.parametrize(
    "view",
    [
        {"id": "V1", "callback_id": "log-action", "state": {"values": {}}},
        {"id": "V1", "callback_id": "log-action", "type": 7},
        {"id": "V1", "callback_id": "log-action", "type": "modal", "state": {"values": []}},
        {"id": "V1", "callback_id": "log-action", "type": "modal", "state": {"values": {"a": 1}}},
    ],
)
async def test_a_view_submission_of_the_wrong_shape_is_400(
    slack: SlackDriver, caplog: pytest.LogCaptureFixture, view: dict[str, object]
) -> None:
    response = await slack.interactive(
        {
            "type": "view_submission",
            "team": TEAM,
            "user": {"id": ASHA, "team_id": TEAM["id"]},
            "trigger_id": "tr.view",
            "view": view,
        }
    )
    assert response.status == 400
    assert _errors(caplog) == []


def _click(user: str, action_id: str, value: str, trigger_id: str | None = None) -> dict[str, Any]:
    channel = "D" + user[1:]
    return {
        "type": "block_actions",
        "team": TEAM,
        "user": {"id": user, "team_id": TEAM["id"]},
        "trigger_id": trigger_id or next_id("tr."),
        "container": {
            "type": "message",
            "message_ts": "1.5",
            "channel_id": channel,
            "is_ephemeral": False,
        },
        "channel": {"id": channel},
        "message": {"ts": "1.5", "text": "", "blocks": []},
        "actions": [
            {
                "type": "button",
                "action_id": f"{action_id}|0",
                "value": value,
                "text": {"type": "plain_text", "text": "Go"},
            }
        ],
    }


HUGE = "99999999999999999999"
MARIA, SAM = "U0MARIA1", "U0SAM001"


@pytest.mark.parametrize("value", [HUGE, "9" * 5000, "²", "-1", "١٢", "2147483648"])
@pytest.mark.parametrize(
    ("user", "action_id", "template"),
    [
        (SAM, "request.approve", "{}"),
        (SAM, "request.decline", "{}"),
        (SAM, "request.ask", "{}"),
        (ASHA, "form.open", "request-answer:{}"),
        (ASHA, "form.open", "follow-up:{}"),
        (ASHA, "practice.pick", "{}:1"),
        (ASHA, "practice.pick", "1:{}"),
        (ASHA, "practice.new", "{}"),
        (ASHA, "form.open", "practice-choose:{}"),
        (MARIA, "nomination.adopt", "{}"),
        (MARIA, "nomination.dismiss", "{}"),
    ],
)
async def test_an_id_too_large_for_an_integer_gets_a_polite_answer(
    slack: SlackDriver,
    caplog: pytest.LogCaptureFixture,
    user: str,
    action_id: str,
    template: str,
    value: str,
) -> None:
    payload = _click(user, action_id, template.format(value))
    response = await slack.interactive(payload)
    assert response.status == 200
    await slack.fake.wait_until(lambda: bool(_replies(slack)))
    # The same click again (Slack retries) goes through the duplicate path: still polite.
    again = await slack.interactive(payload, retry=1)
    assert again.status == 200
    await slack.client.app[SLACK_BOT].drain()
    assert not [r for r in _replies(slack) if "something went wrong" in r]
    assert _errors(caplog) == []


def _replies(slack: SlackDriver) -> list[str]:
    """What the person was told, in their DM or privately beside the card they clicked."""
    return [
        all_text(c.params.get("blocks") or []) + str(c.params.get("text") or "")
        for c in slack.fake.calls
        if c.method in ("chat.postMessage", "chat.postEphemeral")
    ]


@pytest.mark.parametrize(
    ("user", "form_id"),
    [
        (SAM, f"request-decline:{HUGE}"),
        (SAM, f"request-ask:{HUGE}"),
        (ASHA, f"request-answer:{HUGE}"),
        (ASHA, f"follow-up:{HUGE}"),
        (MARIA, f"nomination-adopt:{HUGE}"),
        (MARIA, f"nomination-dismiss:{HUGE}"),
        (ASHA, "practice-suggest"),
        (ASHA, f"practice-choose:{HUGE}"),
        (MARIA, "practice-rename"),
        (MARIA, "practice-merge"),
        (MARIA, "practice-split"),
    ],
)
async def test_a_form_naming_an_id_too_large_gets_a_polite_answer(
    slack: SlackDriver, caplog: pytest.LogCaptureFixture, user: str, form_id: str
) -> None:
    response = await slack.interactive(
        {
            "type": "view_submission",
            "team": TEAM,
            "user": {"id": user, "team_id": TEAM["id"]},
            "trigger_id": next_id("tr."),
            "view": {
                "id": "V1",
                "type": "modal",
                "callback_id": form_id.partition(":")[0],
                "private_metadata": form_id,
                "state": {
                    "values": {
                        name: {"a": {"type": "plain_text_input", "value": "Because"}}
                        for name in ("reason", "question", "answer", "wording", "feedback_since")
                    }
                    | {
                        name: {"a": {"type": "plain_text_input", "value": HUGE}}
                        for name in ("practice", "into", "action", "title")
                    }
                },
            },
        }
    )
    assert response.status == 200
    await slack.client.app[SLACK_BOT].drain()
    assert not [r for r in _replies(slack) if "something went wrong" in r]
    assert _errors(caplog) == []
