"""The workspace is checked: a payload from any Slack workspace but the one the bot is
installed in (SLACK_TEAM_ID, else auth.test at start) is refused before the engine sees
it, even when it names a user id the organisation knows."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from pydantic import SecretStr
from pytest_aiohttp import AiohttpClient
from sqlmodel import select

from adapters.slack.mount import SLACK_BOT
from app.server import create_app
from bot.settings import Settings
from storage.database import open_database
from storage.tables import FeasibilityRequestRow
from storage.uow import UnitOfWork
from tests.adapters.slack.test_slack_approvals import _propose
from tests.fakes.fake_slack import APP_TOKEN, FakeSlack
from tests.fakes.slack_harness import TEAM, SlackDriver, all_text, next_id

ASHA, SAM = "U0ASHA01", "U0SAM001"
ELSEWHERE = {"id": "T0ELSEWH1", "domain": "elsewhere"}
POLITE = "Extra Mile isn't set up for this Slack workspace"


def _from_elsewhere(payload: dict[str, Any]) -> dict[str, Any]:
    """The same payload, as Slack would send it from another workspace."""
    moved = json.loads(json.dumps(payload))
    if "team" in moved:
        moved["team"] = ELSEWHERE
    if isinstance(moved.get("user"), dict):
        moved["user"]["team_id"] = ELSEWHERE["id"]
    if "team_id" in moved:
        moved["team_id"] = ELSEWHERE["id"]
    if isinstance(moved.get("view"), dict) and "team_id" in moved["view"]:
        moved["view"]["team_id"] = ELSEWHERE["id"]
    return moved


async def _statuses(settings: Settings) -> list[str]:
    database = open_database(settings.database_url)
    try:
        async with UnitOfWork(database) as uow:
            return list((await uow.session.exec(select(FeasibilityRequestRow.status))).all())
    finally:
        await database.close()


async def test_a_click_from_another_workspace_cannot_approve(
    slack: SlackDriver, slack_settings: Settings
) -> None:
    card = await _propose(slack)
    await slack.client.app[SLACK_BOT].drain()
    posts, updates = len(slack.fake.of("chat.postMessage")), len(slack.fake.of("chat.update"))
    click = _from_elsewhere(slack.click_payload(SAM, card, "Approve", channel="D0SAM001"))
    response = await slack.interactive(click)
    assert response.status == 200  # 403 would show the person an error Slack made up
    [told] = await slack.fake.wait_for("response_url")
    assert told.params["response_type"] == "ephemeral"
    assert told.params["replace_original"] is False
    assert POLITE in told.params["text"]
    await slack.client.app[SLACK_BOT].drain()
    assert await _statuses(slack_settings) == ["pending"]
    assert len(slack.fake.of("chat.postMessage")) == posts
    assert len(slack.fake.of("chat.update")) == updates
    # The same click from the installed workspace still works.
    response = await slack.interactive(slack.click_payload(SAM, card, "Approve", "D0SAM001"))
    assert response.status == 200
    await slack.fake.wait_until(
        lambda: any(
            "Sam Okafor approved your idea" in all_text(c.params.get("blocks") or [])
            for c in slack.fake.of("chat.postMessage")
        )
    )
    assert await _statuses(slack_settings) == ["approved"]


async def test_a_command_from_another_workspace_gets_a_private_word_and_nothing_else(
    slack: SlackDriver,
) -> None:
    body = {
        "command": "/extramile",
        "text": "help",
        "user_id": ASHA,
        "channel_id": "D0ASHA01",
        "team_id": ELSEWHERE["id"],
        "trigger_id": next_id("tr."),
    }
    response = await slack.post_raw(
        urlencode(body), content_type="application/x-www-form-urlencoded"
    )
    assert response.status == 200
    answer = await response.json()
    assert answer["response_type"] == "ephemeral" and POLITE in answer["text"]
    await slack.client.app[SLACK_BOT].drain()
    assert slack.fake.of("chat.postMessage") == [] and slack.fake.of("views.open") == []


async def test_an_event_from_another_workspace_is_acknowledged_and_dropped(
    slack: SlackDriver,
) -> None:
    envelope = {
        "token": "legacy",
        "team_id": ELSEWHERE["id"],
        "api_app_id": "A0EXTRA01",
        "type": "event_callback",
        "event_id": next_id("Ev"),
        "event_time": 1,
        "event": {
            "type": "message",
            "channel": "D0ASHA01",
            "user": ASHA,
            "text": "log I carried a parcel to a car",
            "ts": "1.1",
            "channel_type": "im",
        },
    }
    response = await slack.post_raw(json.dumps(envelope), content_type="application/json")
    assert response.status == 200  # anything else and Slack sends it again
    await slack.client.app[SLACK_BOT].drain()
    assert slack.fake.of("chat.postMessage") == []


async def test_a_form_from_another_workspace_is_answered_in_the_modal(
    slack: SlackDriver,
) -> None:
    await slack.command(ASHA, "")
    [opened] = await slack.fake.wait_for("views.open")
    payload = {
        "type": "view_submission",
        "team": ELSEWHERE,
        "user": {"id": ASHA, "team_id": ELSEWHERE["id"]},
        "trigger_id": next_id("tr."),
        "view": {**opened.params["view"], "id": "V1", "state": {"values": {}}},
    }
    response = await slack.interactive(payload)
    assert response.status == 200
    answer = await response.json()
    assert answer["response_action"] == "update"
    assert POLITE in all_text(answer["view"]["blocks"])


@pytest.mark.parametrize(
    "payload",
    [
        {"type": "block_actions", "user": {"id": SAM}, "trigger_id": "t"},  # no team at all
        {"type": "block_actions", "team": {"id": 7}, "user": {"id": SAM}, "trigger_id": "t"},
        {"type": "block_actions", "team": None, "user": {"id": SAM, "team_id": ELSEWHERE["id"]}},
        {"type": "block_actions", "team": TEAM, "team_id": "T0ELSEWH1", "user": {"id": SAM}},
    ],
)
async def test_a_click_that_names_no_workspace_or_two_is_refused(
    slack: SlackDriver, payload: dict[str, Any]
) -> None:
    payload = {
        "trigger_id": next_id("tr."),
        "container": {"type": "message", "channel_id": "D0SAM001", "message_ts": "1.1"},
        "actions": [{"action_id": "request.approve|0", "value": "1", "type": "button"}],
        "response_url": slack.fake.response_url(),
        **payload,
    }
    response = await slack.interactive(payload)
    assert response.status == 200
    [told] = await slack.fake.wait_for("response_url")
    assert POLITE in told.params["text"]
    await slack.client.app[SLACK_BOT].drain()
    acted = [c for c in slack.fake.calls if c.method.startswith(("chat.", "views."))]
    assert acted == []


async def test_slack_team_id_names_the_workspace_without_asking_slack(
    tmp_path: Path,
    slack_settings: Settings,
    fake_slack: FakeSlack,
    aiohttp_client: AiohttpClient,
) -> None:
    settings = slack_settings.model_copy(update={"slack_team_id": ELSEWHERE["id"]})
    client = await aiohttp_client(create_app(settings))
    slack = SlackDriver(client=client, fake=fake_slack)
    # The harness sends Riverside's team id, which is now someone else's.
    response = await slack.command(ASHA, "help")
    assert POLITE in (await response.json())["text"]
    await client.app[SLACK_BOT].drain()
    assert fake_slack.of("chat.postMessage") == []


async def test_socket_mode_checks_the_workspace_too(
    tmp_path: Path,
    slack_settings: Settings,
    fake_slack: FakeSlack,
    aiohttp_client: AiohttpClient,
) -> None:
    settings = slack_settings.model_copy(
        update={"slack_signing_secret": None, "slack_app_token": SecretStr(APP_TOKEN)}
    )
    await aiohttp_client(create_app(settings))
    await fake_slack.wait_for_socket()
    ack = await fake_slack.push_envelope(
        {
            "envelope_id": "env-elsewhere",
            "type": "slash_commands",
            "accepts_response_payload": True,
            "payload": {
                "team_id": ELSEWHERE["id"],
                "channel_id": "D0ASHA01",
                "user_id": ASHA,
                "command": "/extramile",
                "text": "help",
                "trigger_id": "tr.sock.elsewhere",
            },
        }
    )
    assert POLITE in ack["payload"]["text"]
    ack = await fake_slack.push_envelope(
        {
            "envelope_id": "env-home",
            "type": "slash_commands",
            "accepts_response_payload": True,
            "payload": {
                "team_id": TEAM["id"],
                "channel_id": "D0ASHA01",
                "user_id": ASHA,
                "command": "/extramile",
                "text": "help",
                "trigger_id": "tr.sock.home",
            },
        }
    )
    await fake_slack.wait_for("chat.postMessage")


async def test_when_slack_cannot_say_at_start_the_first_request_asks_again(
    slack_settings: Settings,
    fake_slack: FakeSlack,
    aiohttp_client: AiohttpClient,
    caplog: pytest.LogCaptureFixture,
) -> None:
    fake_slack.fail("auth.test", error="fatal_error", times=1)
    client = await aiohttp_client(create_app(slack_settings))
    slack = SlackDriver(client=client, fake=fake_slack)
    assert "auth.test failed at start" in caplog.text
    assert (await slack.command(ASHA, "help")).status == 200
    await fake_slack.wait_for("chat.postMessage")
