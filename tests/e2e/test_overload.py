"""Shedding load: past its limit of requests in flight a platform's route answers 503 at
once (Slack and Bot Framework retry), and an admitted request's ack budget counts from
its arrival. The figures under load are in `python -m bench overload`."""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

import pytest
from aiohttp import web
from pytest_aiohttp import AiohttpClient

from adapters.overload import ARRIVED, Limit, Overload, longest_wait, waited
from adapters.slack.mount import PATH
from app.server import OVERLOAD, create_app
from bot.settings import Settings
from tests.fakes.fake_slack import FakeSlack
from tests.fakes.slack_harness import TEAM, SlackDriver, all_text

ASHA = "U0ASHA01"


def _errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


async def _until(check: Callable[[], bool], within: float = 5.0) -> None:
    """Wait until `check()` holds (it is looked at after each turn of the event loop)."""
    async with asyncio.timeout(within):
        for _ in itertools.count():
            if check():
                return
            await asyncio.sleep(0)


def _command(text: str) -> str:
    return urlencode(
        {
            "command": "/extramile",
            "text": text,
            "user_id": ASHA,
            "channel_id": "D0ASHA01",
            "team_id": TEAM["id"],
            "trigger_id": f"tr.{text}",
        }
    )


async def test_past_the_limit_slack_gets_503_at_once_and_no_traceback(
    slack_settings: Settings,
    fake_slack: FakeSlack,
    aiohttp_client: AiohttpClient,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings = slack_settings.model_copy(update={"slack_max_in_flight": 1})
    client = await aiohttp_client(create_app(settings))
    slack = SlackDriver(client=client, fake=fake_slack)
    overload = client.server.app[OVERLOAD]

    # One request in flight: its headers are in, its body is still on the way.
    body = _command("help").encode()
    headers = slack.sign(body.decode())
    reader, writer = await asyncio.open_connection("127.0.0.1", client.port)
    head = (
        f"POST {PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body)}\r\n"
        + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        + "\r\n"
    )
    writer.write(head.encode() + body[:10])
    await writer.drain()
    await _until(lambda: overload.in_flight[PATH] == 1)

    refused = await slack.command(ASHA, "help")
    assert refused.status == 503
    assert refused.headers["Retry-After"] == "1"
    assert overload.shed[PATH] == 1

    # The request in flight finishes normally, and the route admits requests again.
    writer.write(body[10:])
    await writer.drain()
    status_line = await reader.readline()
    assert status_line.startswith(b"HTTP/1.1 200")
    writer.close()
    await _until(lambda: overload.in_flight[PATH] == 0)
    assert (await slack.command(ASHA, "help")).status == 200
    [reply, *_] = await fake_slack.wait_for("chat.postMessage")
    assert "help" in all_text(reply.params["blocks"]).lower()
    assert _errors(caplog) == []
    warned = [r for r in caplog.records if r.name == "adapters.overload"]
    assert len(warned) == 1 and warned[0].levelno == logging.WARNING


async def test_teams_route_is_limited_by_path_even_when_another_module_mounts_it(
    aiohttp_client: AiohttpClient, caplog: pytest.LogCaptureFixture
) -> None:
    release = asyncio.Event()
    waits: list[float] = []

    async def slow(request: web.Request) -> web.Response:
        waits.append(waited())
        await release.wait()
        return web.Response(text="done")

    overload = Overload({"/api/messages": Limit(max_in_flight=2, shed_after=60)})
    app = web.Application(middlewares=[overload.middleware])
    app.router.add_post("/api/messages", slow)
    app.router.add_get("/healthz", slow)
    client = await aiohttp_client(app)

    first = asyncio.ensure_future(client.post("/api/messages", data=b"{}"))
    second = asyncio.ensure_future(client.post("/api/messages", data=b"{}"))
    await _until(lambda: overload.in_flight["/api/messages"] == 2)
    third = await client.post("/api/messages", data=b"{}")
    assert third.status == 503
    # Other paths are not counted.
    other = asyncio.ensure_future(client.get("/healthz"))
    await _until(lambda: len(waits) == 3)
    release.set()
    assert [(await r).status for r in (first, second, other)] == [200, 200, 200]
    assert all(0 <= w < 5 for w in waits)
    assert overload.in_flight["/api/messages"] == 0 and overload.shed["/api/messages"] == 1
    assert _errors(caplog) == []


async def test_a_backlog_of_requests_waiting_too_long_sheds_newcomers_until_it_clears(
    aiohttp_client: AiohttpClient, caplog: pytest.LogCaptureFixture
) -> None:
    now = [100.0]
    release = asyncio.Event()

    async def slow(request: web.Request) -> web.Response:
        await release.wait()
        return web.Response(text="done")

    overload = Overload(
        {"/slack/events": Limit(max_in_flight=100, shed_after=1.0, backlog=2)},
        clock=lambda: now[0],
    )
    app = web.Application(middlewares=[overload.middleware])
    app.router.add_post("/slack/events", slow)
    client = await aiohttp_client(app)

    def send() -> asyncio.Future[int]:
        async def status() -> int:
            return (await client.post("/slack/events", data=b"x")).status

        return asyncio.ensure_future(status())

    # One slow request, however old, is not a backlog.
    first = send()
    await _until(lambda: overload.in_flight["/slack/events"] == 1)
    now[0] += 5
    second = send()
    await _until(lambda: overload.in_flight["/slack/events"] == 2)
    # Two in flight, but the second has not waited long: still admitting.
    third = send()
    await _until(lambda: overload.in_flight["/slack/events"] == 3)
    now[0] += 1.5  # now two have waited over a second: behind
    assert (await client.post("/slack/events", data=b"x")).status == 503
    release.set()
    assert [await f for f in (first, second, third)] == [200, 200, 200]
    release.clear()
    # The backlog cleared: admitted again.
    fourth = send()
    await _until(lambda: overload.in_flight["/slack/events"] == 1)
    release.set()
    assert await fourth == 200
    assert overload.shed["/slack/events"] == 1
    assert _errors(caplog) == []


async def test_the_longest_wait_is_the_oldest_request_in_flight_on_the_route(
    aiohttp_client: AiohttpClient,
) -> None:
    """How far a route is behind, as a request sees it: the oldest one in flight there,
    itself included (a Slack command is answered in its ack only while this is short)."""
    now = [100.0]
    release = asyncio.Event()
    seen: list[float] = []

    async def slow(request: web.Request) -> web.Response:
        seen.append(longest_wait())
        await release.wait()
        return web.Response(text="done")

    overload = Overload(
        {"/slack/events": Limit(max_in_flight=100, shed_after=60)}, clock=lambda: now[0]
    )
    app = web.Application(middlewares=[overload.middleware])
    app.router.add_post("/slack/events", slow)
    app.router.add_get("/healthz", slow)
    client = await aiohttp_client(app)

    first = asyncio.ensure_future(client.post("/slack/events", data=b"x"))
    await _until(lambda: len(seen) == 1)
    now[0] += 0.75
    second = asyncio.ensure_future(client.post("/slack/events", data=b"x"))
    await _until(lambda: len(seen) == 2)
    other = asyncio.ensure_future(client.get("/healthz"))  # another path: not counted
    await _until(lambda: len(seen) == 3)
    release.set()
    assert [(await r).status for r in (first, second, other)] == [200, 200, 200]
    assert seen == [0.0, 0.75, 0.0]
    assert longest_wait() == 0.0  # outside a request


def test_the_wait_counts_from_arrival_and_is_nothing_outside_a_request() -> None:
    assert waited() == 0.0
    token = ARRIVED.set(0.0)  # arrived at the start of the monotonic clock
    try:
        assert waited() > 0.0
    finally:
        ARRIVED.reset(token)
    assert waited() == 0.0


def test_the_limits_are_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXTRAMILE_SLACK_MAX_IN_FLIGHT", "7")
    monkeypatch.setenv("EXTRAMILE_TEAMS_MAX_IN_FLIGHT", "9")
    monkeypatch.setenv("EXTRAMILE_SLACK_SHED_AFTER", "0.5")
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'x.db'}")
    assert (settings.slack_max_in_flight, settings.teams_max_in_flight) == (7, 9)
    assert (settings.slack_shed_after, settings.teams_shed_after) == (0.5, 5.0)
