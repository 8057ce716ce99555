"""A slash command typed in the person's own DM with the bot is answered in its ack body
(`response_type: in_channel`, a message in that DM), not by chat.postMessage; anywhere
else the answer still goes to their DM, never to the channel it was typed in."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from aiohttp import web
from pytest_aiohttp import AiohttpClient
from pytest_mock import MockerFixture
from sqlmodel import func, select

from adapters.slack.mount import SLACK_BOT
from adapters.state import RUNTIME
from bot.engine import Engine
from bot.features.general.flow import HELP
from storage.tables import ActionRow, ProcessedEventRow
from storage.uow import UnitOfWork
from tests.adapters.slack.test_slack_socket_mode import socket_mode_server
from tests.fakes import deeds
from tests.fakes.fake_slack import FakeSlack
from tests.fakes.settle import server_settled
from tests.fakes.slack_harness import SlackDriver, all_text

ASHA = "U0ASHA01"
ASHAS_DM = "D0ASHA01"  # the fake Slack's DM with the bot: "D" + the user id's tail


def _app(slack: SlackDriver) -> web.Application:
    return slack.client.app  # type: ignore[no-any-return]


async def _known_dm(slack: SlackDriver) -> None:
    """Asha has written to the bot once: her DM with it is known."""
    assert (await slack.dm(ASHA, "help")).status == 200
    await server_settled(_app(slack))
    slack.fake.calls.clear()


def _helps(slack: SlackDriver) -> list[dict[str, Any]]:
    return [c.params for c in slack.fake.of("chat.postMessage") if c.params["text"] == HELP.title]


async def test_help_in_the_bots_dm_is_the_ack_itself(slack: SlackDriver) -> None:
    await _known_dm(slack)
    response = await slack.command(ASHA, "help", channel=ASHAS_DM)
    assert response.status == 200
    body = await response.json()
    assert body["response_type"] == "in_channel"  # a message in her DM, kept like any other
    assert body["text"] == HELP.title
    assert "log" in all_text(body["blocks"]).lower()
    await server_settled(_app(slack))
    assert _helps(slack) == []  # not posted as well


async def test_help_typed_in_a_channel_still_goes_to_the_dm(slack: SlackDriver) -> None:
    await _known_dm(slack)
    response = await slack.command(ASHA, "help", channel="C0SHOPFLR")
    assert response.status == 200
    assert await response.text() == ""  # nothing shown to the channel
    [answer] = await slack.fake.wait_for("chat.postMessage")
    assert answer.response["channel"] == ASHAS_DM
    assert answer.params["text"] == HELP.title


async def test_a_dm_with_a_colleague_is_not_answered_in_place(slack: SlackDriver) -> None:
    """A DM between two people is a "D" channel too: an in-channel answer there would
    show Asha's answer to her colleague."""
    await _known_dm(slack)
    response = await slack.command(ASHA, "help", channel="D0WITHTOM")
    assert response.status == 200
    assert await response.text() == ""
    [answer] = await slack.fake.wait_for("chat.postMessage")
    assert answer.response["channel"] == ASHAS_DM


async def test_before_her_dm_is_known_the_answer_is_posted_there(slack: SlackDriver) -> None:
    response = await slack.command(ASHA, "help", channel=ASHAS_DM)
    assert response.status == 200
    assert await response.text() == ""
    [answer] = await slack.fake.wait_for("chat.postMessage")
    assert answer.response["channel"] == ASHAS_DM
    await server_settled(_app(slack))
    # Posting there made it known: the next answer is the ack.
    again = await slack.command(ASHA, "help", channel=ASHAS_DM)
    assert (await again.json())["text"] == HELP.title


async def test_a_form_opens_and_the_ack_stays_empty(slack: SlackDriver) -> None:
    await _known_dm(slack)
    response = await slack.command(ASHA, "", channel=ASHAS_DM)
    assert response.status == 200
    assert await response.text() == ""
    [opened] = await slack.fake.wait_for("views.open")
    assert opened.params["view"]["type"] == "modal"


async def test_her_list_in_the_ack_shows_typed_markup_as_text(slack: SlackDriver) -> None:
    """What she typed comes back as she typed it, never read as Slack markup (no
    @channel for everyone, no disguised link)."""
    await _known_dm(slack)
    await slack.command(ASHA, "")
    [opened] = await slack.fake.wait_for("views.open")
    words = "Lent <!channel> an umbrella <https://evil.example|here>"
    await slack.submit_view(ASHA, opened.params["view"], deeds.DEED | {"extra": words})
    await server_settled(_app(slack))
    response = await slack.command(ASHA, "mine", channel=ASHAS_DM)
    assert response.status == 200
    body = await response.json()
    assert body["response_type"] == "in_channel"
    shown = all_text(body["blocks"])
    assert "umbrella" in shown
    assert "<!channel>" not in shown and "<https://evil.example" not in shown


async def test_over_socket_mode_the_answer_is_the_envelopes_ack(
    tmp_path: Path, fake_slack: FakeSlack, aiohttp_client: AiohttpClient
) -> None:
    client = await socket_mode_server(tmp_path, fake_slack, aiohttp_client)
    # Her first words to the bot make her DM known.
    await client.app[RUNTIME].delivery.remember_address("asha", "slack", {"channel": ASHAS_DM})
    ack = await fake_slack.push_envelope(
        {
            "envelope_id": "env-in-ack",
            "type": "slash_commands",
            "accepts_response_payload": True,
            "payload": {
                "team_id": "T0RIVER01",
                "channel_id": ASHAS_DM,
                "user_id": ASHA,
                "command": "/extramile",
                "text": "help",
                "trigger_id": "tr.sock.in-ack",
                "response_url": fake_slack.response_url(),
            },
        }
    )
    assert ack["payload"]["response_type"] == "in_channel"
    assert ack["payload"]["text"] == HELP.title
    await client.app[SLACK_BOT].drain()
    assert fake_slack.of("chat.postMessage") == []


async def test_a_turn_past_the_ack_budget_is_answered_in_her_dm(
    slack: SlackDriver, mocker: MockerFixture
) -> None:
    """Slack wants the ack within 3 seconds: a turn still running at the budget is
    acknowledged empty, and its answer, kept for the ack, is posted to her DM instead."""
    await _known_dm(slack)
    handle, released = Engine.handle, asyncio.Event()

    async def held(engine: Engine, *args: Any, **kwargs: Any) -> Any:
        await released.wait()  # the turn outlasts the budget
        return await handle(engine, *args, **kwargs)

    mocker.patch.object(Engine, "handle", held)
    mocker.patch("adapters.slack.app.ACK_BUDGET", 0.05)
    response = await slack.command(ASHA, "help", channel=ASHAS_DM)
    assert response.status == 200
    assert await response.text() == ""
    # The answer kept for the ack is queued as durably as any other: a failed send is
    # sent again, not lost.
    slack.fake.fail("chat.postMessage", status=500, times=1)
    released.set()
    await slack.fake.wait_for("chat.postMessage", 2, within=30)
    await server_settled(_app(slack))
    [answer] = [c for c in slack.fake.of("chat.postMessage") if c.response.get("ok")]
    assert answer.response["channel"] == ASHAS_DM
    assert answer.params["text"] == HELP.title


async def test_while_requests_wait_a_command_goes_through_the_inbox(
    slack: SlackDriver, mocker: MockerFixture
) -> None:
    """In a burst (the route behind), the turn is not run before the ack: the command is
    written to the inbox and acknowledged at once, and answered in her DM just after."""
    await _known_dm(slack)
    mocker.patch("adapters.slack.app.KEEPING_UP", 0.0)  # every wait counts as behind
    response = await slack.command(ASHA, "help", channel=ASHAS_DM)
    assert response.status == 200
    assert await response.text() == ""
    [answer] = await slack.fake.wait_for("chat.postMessage")
    assert answer.response["channel"] == ASHAS_DM
    assert answer.params["text"] == HELP.title


async def test_a_saved_deeds_card_is_posted_to_be_updated_later(slack: SlackDriver) -> None:
    """`log <what you did>` answers with the deed's card, which later changes in place (a
    detail added): an ack's message has no ts to update, so the card is posted."""
    await _known_dm(slack)
    response = await slack.command(
        ASHA, "log Lent a customer an umbrella in the rain", channel=ASHAS_DM
    )
    assert response.status == 200
    assert await response.text() == ""
    [card] = await slack.fake.wait_for("chat.postMessage")
    assert card.response["channel"] == ASHAS_DM
    assert "umbrella" in all_text(card.params["blocks"])


async def test_a_message_too_long_is_told_in_the_ack(slack: SlackDriver) -> None:
    await _known_dm(slack)
    response = await slack.command(ASHA, "log " + "very " * 1000, channel=ASHAS_DM)
    assert response.status == 200
    body = await response.json()
    assert "characters" in body["text"]
    await server_settled(_app(slack))
    assert slack.fake.of("chat.postMessage") == []


async def _claims(slack: SlackDriver) -> int:
    async with UnitOfWork(_app(slack)[RUNTIME].database, read_only=True) as uow:
        rows = await uow.session.exec(select(func.count()).select_from(ProcessedEventRow))
        return int(rows.one())


async def test_a_read_only_command_in_the_ack_writes_nothing(slack: SlackDriver) -> None:
    """Its answer in the ack, a command is never delivered again: it claims its event
    only if its turn writes, so `help` takes no write at all."""
    await _known_dm(slack)
    claims = await _claims(slack)
    response = await slack.command(ASHA, "help", channel=ASHAS_DM)
    assert (await response.json())["text"] == HELP.title
    assert await _claims(slack) == claims


async def test_a_replayed_command_that_writes_has_one_effect(slack: SlackDriver) -> None:
    """A signed command sent to us twice (captured and replayed within Slack's five
    minutes): the deed is saved once; the second turn finds its event claimed and rolls
    back."""
    await _known_dm(slack)
    words = "log Carried a customer's shopping to her car in the rain"
    first = await slack.command(ASHA, words, channel=ASHAS_DM, trigger_id="tr.replayed")
    again = await slack.command(ASHA, words, channel=ASHAS_DM, trigger_id="tr.replayed")
    assert first.status == again.status == 200
    await server_settled(_app(slack))
    async with UnitOfWork(_app(slack)[RUNTIME].database, read_only=True) as uow:
        saved = (await uow.session.exec(select(ActionRow.extra))).all()
    assert [extra for extra in saved if "shopping" in extra] == [words[4:]]
