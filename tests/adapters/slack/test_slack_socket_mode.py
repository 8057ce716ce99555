"""Socket Mode: the same bot over a WebSocket speaking Slack's envelope protocol."""

from __future__ import annotations

from pathlib import Path

from aiohttp.test_utils import TestClient
from pytest_aiohttp import AiohttpClient

from app.server import create_app
from bot.settings import EXAMPLE_ORG_FILE, Settings
from tests.fakes.fake_slack import APP_TOKEN, TOKEN, FakeSlack
from tests.fakes.slack_harness import all_text


async def socket_mode_server(
    tmp_path: Path, fake_slack: FakeSlack, aiohttp_client: AiohttpClient
) -> TestClient:  # type: ignore[type-arg]
    """The server on Socket Mode alone (no signing secret), connected to the fake Slack."""
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'socket.db'}",
        org_file=EXAMPLE_ORG_FILE,
        slack_bot_token=TOKEN,
        slack_app_token=APP_TOKEN,
        slack_api_url=fake_slack.api_url,
    )
    client = await aiohttp_client(create_app(settings))
    await fake_slack.wait_for_socket()
    return client


async def test_socket_mode_handles_commands_and_events(
    tmp_path: Path, fake_slack: FakeSlack, aiohttp_client: AiohttpClient
) -> None:
    client = await socket_mode_server(tmp_path, fake_slack, aiohttp_client)
    [opened] = fake_slack.of("apps.connections.open")
    assert opened.headers["Authorization"] == f"Bearer {APP_TOKEN}"

    ack = await fake_slack.push_envelope(
        {
            "envelope_id": "env-1",
            "type": "slash_commands",
            "accepts_response_payload": True,
            "payload": {
                "token": "legacy",
                "team_id": "T0RIVER01",
                "channel_id": "D0ASHA01",
                "user_id": "U0ASHA01",
                "command": "/extramile",
                "text": "offer",
                "trigger_id": "tr.sock.1",
                "response_url": fake_slack.response_url(),
            },
        }
    )
    assert ack["envelope_id"] == "env-1"
    [reply] = await fake_slack.wait_for("chat.postMessage")
    assert "our routine service offer" in all_text(reply.params["blocks"])
    assert reply.params["channel"] == "D0ASHA01"

    await fake_slack.push_envelope(
        {
            "envelope_id": "env-2",
            "type": "events_api",
            "accepts_response_payload": False,
            "retry_attempt": 0,
            "retry_reason": "",
            "payload": {
                "team_id": "T0RIVER01",
                "api_app_id": "A0EXTRA01",
                "type": "event_callback",
                "event_id": "Ev0SOCK01",
                "event_time": 1,
                "event": {
                    "type": "message",
                    "channel": "D0ASHA01",
                    "user": "U0ASHA01",
                    "text": "mine",
                    "channel_type": "im",
                    "ts": "1.0",
                },
            },
        }
    )
    [_, second] = await fake_slack.wait_for("chat.postMessage", 2)
    assert "You haven't logged" in all_text(second.params["blocks"])

    health = await (await client.get("/healthz")).json()
    assert health["adapters"]["slack"] is True
    # No HTTP route without a signing secret: Socket Mode only.
    assert (await client.post("/slack/events", data="x")).status in (404, 405)
