"""`make bench`: measured speed, each figure beside its baseline from the same run.

- Slack ack path: signed slash commands through the full server (bolt, engine, SQLite,
  replies to a local fake Slack), beside a bare slack-bolt AsyncApp with a no-op
  handler on the same aiohttp stack. Latency p50 / p99 and requests per second.
- Engine: extra-mile actions logged end to end per second (form, review, save) on
  SQLite, and on PostgreSQL when EXTRAMILE_TEST_POSTGRES_URL is set.

Everything runs in this one process on loopback; the numbers are for comparing, not
for a brochure. Results are printed, never asserted.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
from aiohttp import web
from botbuilder.core import ActivityHandler
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from adapters.server import create_app  # noqa: E402
from adapters.teams.mount import BotFrameworkConfig  # noqa: E402
from bot.clock import SystemClock  # noqa: E402
from bot.engine import Engine  # noqa: E402
from bot.messages import ButtonClick, FormSubmission, Sender, TextMessage  # noqa: E402
from bot.orgfile import load_organisation  # noqa: E402
from bot.settings import EXAMPLE_ORG_FILE, Settings  # noqa: E402
from storage.database import open_database  # noqa: E402
from storage.people import sync_organisation  # noqa: E402
from storage.uow import UnitOfWork  # noqa: E402
from tests.fake_connector import FakeConnector  # noqa: E402
from tests.fake_slack import SIGNING_SECRET, TOKEN, FakeSlack  # noqa: E402

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "2000"))
FANOUT_RATE = int(os.environ.get("BENCH_FANOUT_RATE", "200"))
_ids = itertools.count()


def _signed_command(text: str) -> tuple[bytes, dict[str, str]]:
    body = urlencode(
        {
            "command": "/extramile",
            "text": text,
            "user_id": "U0ASHA01",
            "channel_id": "D0ASHA01",
            "team_id": "T0RIVER01",
            "trigger_id": f"bench.{next(_ids)}",
            "response_url": "",
        }
    )
    stamp = str(int(time.time()))
    signature = SignatureVerifier(SIGNING_SECRET).generate_signature(timestamp=stamp, body=body)
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": signature,
    }
    return body.encode(), headers


async def _load(url: str, *, total: int, in_flight: int) -> tuple[list[float], float]:
    latencies: list[float] = []
    errors = 0
    queue = iter(range(total))
    connector = aiohttp.TCPConnector(limit=in_flight)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def worker() -> None:
            nonlocal errors
            for _ in queue:
                body, headers = _signed_command("help")
                started = time.perf_counter()
                async with session.post(url, data=body, headers=headers) as response:
                    await response.read()
                    errors += response.status != 200
                latencies.append(time.perf_counter() - started)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(in_flight)))
        elapsed = time.perf_counter() - started
    if errors:
        print(f"  ({errors} non-200 answers)")
    return latencies, total / elapsed


async def _serve(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, f"http://127.0.0.1:{port}/slack/events"


def _bare_bolt(api_url: str) -> web.Application:
    bolt = AsyncApp(
        client=AsyncWebClient(token=TOKEN, base_url=api_url), signing_secret=SIGNING_SECRET
    )

    @bolt.command("/extramile")
    async def noop(ack: Callable[[], Awaitable[None]]) -> None:
        await ack()

    async def events(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await bolt.async_dispatch(await to_bolt_request(request)))

    app = web.Application()
    app.router.add_post("/slack/events", events)
    return app


def _row(name: str, latencies: list[float], rps: float) -> str:
    ordered = sorted(latencies)
    p50 = statistics.median(ordered) * 1000
    p99 = ordered[int(len(ordered) * 0.99) - 1] * 1000
    return f"{name:<42} {p50:8.1f} {p99:8.1f} {rps:10.0f}"


async def slack_ack_path(tmp: Path) -> list[str]:
    fake = FakeSlack()
    await fake.start()
    settings = Settings(
        database_url=f"sqlite:///{tmp / 'bench.db'}",
        org_file=EXAMPLE_ORG_FILE,
        slack_bot_token=TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=fake.api_url,
    )
    ours, ours_url = await _serve(create_app(settings))
    bare, bare_url = await _serve(_bare_bolt(fake.api_url))
    rows = []
    try:
        for in_flight in (50, 200):
            for name, url in (
                ("bare slack-bolt AsyncApp (no-op)", bare_url),
                ("Extra Mile, full server", ours_url),
            ):
                await _load(url, total=200, in_flight=in_flight)  # warm up
                latencies, rps = await _load(url, total=REQUESTS, in_flight=in_flight)
                rows.append(_row(f"{name}, {in_flight} in flight", latencies, rps))
        await asyncio.sleep(2)  # let the work after the acks finish before closing
    finally:
        await ours.cleanup()
        await bare.cleanup()
        await fake.close()
    return rows


def _activity(service_url: str) -> dict[str, object]:
    return {
        "type": "message",
        "id": f"bench:{next(_ids)}",
        "channelId": "msteams",
        "serviceUrl": service_url,
        "text": "help",
        "textFormat": "plain",
        "from": {"id": "29:1asha", "aadObjectId": "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c05"},
        "recipient": {"id": "28:bot"},
        "conversation": {"conversationType": "personal", "id": "a:1bench"},
        "channelData": {"tenant": {"id": "t1"}},
    }


async def _load_teams(
    url: str, service_url: str, *, total: int, in_flight: int
) -> tuple[list[float], float]:
    latencies: list[float] = []
    queue = iter(range(total))
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=in_flight)) as s:

        async def worker() -> None:
            for _ in queue:
                started = time.perf_counter()
                async with s.post(url, json=_activity(service_url)) as response:
                    await response.read()
                latencies.append(time.perf_counter() - started)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(in_flight)))
        return latencies, total / (time.perf_counter() - started)


def _bare_teams() -> web.Application:
    adapter = CloudAdapter(
        ConfigurationBotFrameworkAuthentication(
            BotFrameworkConfig(
                APP_ID=None, APP_PASSWORD=None, APP_TYPE="MultiTenant", APP_TENANTID=None
            )
        )
    )
    handler = ActivityHandler()  # a no-op bot

    async def messages(request: web.Request) -> web.StreamResponse:
        return await adapter.process(request, handler) or web.Response(status=201)

    app = web.Application()
    app.router.add_post("/api/messages", messages)
    return app


async def teams_path(tmp: Path) -> list[str]:
    connector = FakeConnector()
    await connector.start()
    settings = Settings(database_url=f"sqlite:///{tmp / 'teams.db'}", org_file=EXAMPLE_ORG_FILE)
    ours, ours_url = await _serve(create_app(settings))
    bare, bare_url = await _serve(_bare_teams())
    rows = []
    try:
        for name, url in (
            ("bare ActivityHandler (no-op)", bare_url),
            ("Extra Mile, full server (replies)", ours_url),
        ):
            url = url.replace("/slack/events", "/api/messages")
            await _load_teams(url, connector.service_url, total=100, in_flight=50)
            latencies, rps = await _load_teams(
                url, connector.service_url, total=REQUESTS // 2, in_flight=50
            )
            rows.append(_row(f"{name}, 50 in flight", latencies, rps))
    finally:
        await ours.cleanup()
        await bare.cleanup()
        await connector.close()
    return rows


class RateLimit:
    """Slack-like: at most `per_second` chat.postMessage calls a second, else 429."""

    def __init__(self, per_second: int) -> None:
        self.per_second = per_second
        self.window = 0
        self.used = 0

    def __call__(self, method: str) -> float | None:
        if method != "chat.postMessage":
            return None
        second = int(time.monotonic())
        if second != self.window:
            self.window, self.used = second, 0
        self.used += 1
        return 1.0 if self.used > self.per_second else None


async def fan_out(tmp: Path, people: int, per_second: int) -> list[str]:
    """Weekly prompts to `people` through a rate-limited fake Slack: wall time beside the
    theoretical minimum, and messages lost or doubled."""
    from adapters.state import RUNTIME
    from bot.jobs.runner import run_job
    from tests.test_fan_out import MONDAY, big_shop

    fake = FakeSlack()
    await fake.start()
    fake.rate_limit = RateLimit(per_second)
    settings = Settings(
        database_url=f"sqlite:///{tmp / 'fan.db'}",
        org_file=big_shop(tmp, people),
        slack_bot_token=TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=fake.api_url,
    )
    runner, _ = await _serve(create_app(settings))
    try:
        runtime = runner.app[RUNTIME]
        await run_job("weekly-prompt", org=runtime.org, database=runtime.database, at=MONDAY)
        started = time.perf_counter()

        # Cheap to check on every call: how many people have at least one message.
        await fake.wait_until(lambda: len(fake.messages) >= people, within=people / per_second * 5)
        elapsed = time.perf_counter() - started
        counts = [len(m) for c, m in fake.messages.items() if c.startswith("D0S")]
    finally:
        await runner.cleanup()
        await fake.close()
    minimum = people / per_second
    return [
        f"{people} prompts at {per_second}/s: {elapsed:.1f} s, theoretical minimum "
        f"{minimum:.1f} s, ratio {elapsed / minimum:.2f}",
        f"lost {people - len(counts)}, doubled {sum(1 for c in counts if c > 1)}",
    ]


async def engine_throughput(url: str, label: str, count: int = 300) -> str:
    database = open_database(url)
    await database.upgrade()
    org = load_organisation(EXAMPLE_ORG_FILE)
    async with UnitOfWork(database) as uow:
        await sync_organisation(uow, org)
        await uow.commit()
    engine = Engine(org=org, database=database, clock=SystemClock())
    sender = Sender("console", "asha")
    values = {
        "occurred_on": "today",
        "customer_need": "Needed help",
        "offer_item": "carry-out",
        "extra": "Carried it to the car",
        "status": "done",
        "context": "busy",
        "approach": "initiative",
        "customer_aware": "yes",
        "result": "Happy",
    }
    started = time.perf_counter()
    for _ in range(count):
        await engine.handle(TextMessage(sender, "log", f"b:{next(_ids)}"))
        await engine.handle(FormSubmission(sender, "log-action", values, f"b:{next(_ids)}"))
        await engine.handle(ButtonClick(sender, "log.save", "", f"b:{next(_ids)}"))
    elapsed = time.perf_counter() - started
    await database.close()
    return f"{'actions logged end to end, ' + label:<42} {count / elapsed:>28.0f} /s"


async def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        print(f"Slack ack path: {REQUESTS} signed slash commands per row, loopback, one process")
        print(f"{'':<42} {'p50 ms':>8} {'p99 ms':>8} {'req/s':>10}")
        for row in await slack_ack_path(tmp):
            print(row)
        print()
        print(
            f"Teams: {REQUESTS // 2} message activities per row, emulator mode, replies "
            "to a local fake connector"
        )
        print(f"{'':<42} {'p50 ms':>8} {'p99 ms':>8} {'req/s':>10}")
        for row in await teams_path(tmp):
            print(row)
        print()
        people = int(os.environ.get("BENCH_FANOUT", "2000"))
        print(
            f"Fan-out: weekly prompts through the outbox to a fake Slack that answers 429 "
            f"with Retry-After beyond {FANOUT_RATE} messages a second"
        )
        for line in await fan_out(tmp, people, FANOUT_RATE):
            print(" ", line)
        print()
        print(await engine_throughput(f"sqlite:///{tmp / 'engine.db'}", "SQLite"))
        postgres = os.environ.get("EXTRAMILE_TEST_POSTGRES_URL")
        if postgres:
            print(await engine_throughput(postgres, "PostgreSQL"))
        else:
            print("PostgreSQL: set EXTRAMILE_TEST_POSTGRES_URL to measure it too")


if __name__ == "__main__":
    asyncio.run(main())
