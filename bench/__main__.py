"""`make bench`: measured speed and memory, each figure beside its baseline from the same
run, so the ratio holds on a noisy machine. Results are printed, never asserted.

- Slack: signed /extramile help through `extramile serve` (bolt, the engine's turn, the
  reply to a local fake Slack), beside three bare slack-bolt AsyncApps (bench/bare.py):
  a no-op, one that does the same visible work (acks, then posts the very reply Extra
  Mile posted through slack_sdk) and one that puts that reply in the ack body; all
  separate processes on the same aiohttp stack. p50 / p99 of the ack, acks a second,
  replies a second (until every reply reached the fake Slack) and the server's CPU per
  request (/proc), at 50 and 200 in flight; Extra Mile's ratios to each.
- Teams: message activities through botbuilder's CloudAdapter, beside a bare
  ActivityHandler (emulator mode: no tokens; replies go to a local fake connector).
- Memory: resident size of each server process idle and after the load.
- Overload (bench/overload.py; alone: `python -m bench overload`): 500 requests in
  flight, Slack then Teams; how many answers came after the platform's deadline.
- Scale-out (PostgreSQL): one `serve` process beside two, requests spread over both.
- Fan-out: weekly prompts to BENCH_FANOUT people (10,000) through the outbox, against
  a fake Slack that answers 429 + Retry-After beyond BENCH_FANOUT_RATE messages a
  second: wall time beside the theoretical minimum; lost and doubled counted.
- Engine: actions logged end to end per second, SQLite and PostgreSQL.
- A generated year (bench/year.py): the digest and the nomination check beside plain SQL;
  actions logged on the same organisation's empty database and with the year stored.
- The manager-digest job for BENCH_MANAGERS managers (30; bench/digest_loop.py): the
  longest the event loop went unserved while it ran (its charts are drawn off the loop).
- Practice matching (bench/matching.py; alone: `python -m bench matching`): start-up,
  resident memory and time per deed with the method before issue 17 and after it.

Last, issue 18's targets table: every figure with its baseline from this run.

PostgreSQL rows need EXTRAMILE_TEST_POSTGRES_URL (as in CI). The load generator and the
fake Slack run in this process; each server under test runs in its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
import asyncpg
from slack_sdk.signature import SignatureVerifier
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import targets  # noqa: E402
from bench.digest_loop import MANAGERS as DIGEST_MANAGERS  # noqa: E402
from bench.digest_loop import digest_loop  # noqa: E402
from bench.matching import matching_only  # noqa: E402
from bench.servers import Server, bare, extramile  # noqa: E402
from bench.targets import record  # noqa: E402
from bench.year import logging_rates, year_of_data  # noqa: E402
from bot.clock import SystemClock  # noqa: E402
from bot.domain.orgfile import load_organisation  # noqa: E402
from bot.engine import Engine  # noqa: E402
from bot.messages import Sender  # noqa: E402
from bot.settings import EXAMPLE_ORG_FILE, Settings  # noqa: E402
from storage.database import open_database  # noqa: E402
from storage.people import sync_organisation  # noqa: E402
from storage.uow import UnitOfWork  # noqa: E402
from tests.fakes.fake_connector import FakeConnector  # noqa: E402
from tests.fakes.fake_slack import SIGNING_SECRET, TOKEN, FakeSlack  # noqa: E402

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "2000"))
FANOUT = int(os.environ.get("BENCH_FANOUT", "10000"))
FANOUT_RATE = int(os.environ.get("BENCH_FANOUT_RATE", "200"))
YEAR_ACTIONS = int(os.environ.get("BENCH_YEAR_ACTIONS", "1000000"))
YEAR_PEOPLE = int(os.environ.get("BENCH_YEAR_PEOPLE", "10000"))
POSTGRES = os.environ.get("EXTRAMILE_TEST_POSTGRES_URL")
Latencies = tuple[list[float], float]


IN_ITS_DM = "D0ASHA01"  # her DM with the bot (the fake Slack's): answered in the ack
IN_A_CHANNEL = "C0SHOPFLR"  # answered in her DM, through the inbox and the outbox


def _signed_command(text: str, channel: str = IN_ITS_DM) -> tuple[bytes, dict[str, str]]:
    body = urlencode(
        {
            "command": "/extramile",
            "text": text,
            "user_id": "U0ASHA01",
            "channel_id": channel,
            "team_id": "T0RIVER01",
            "trigger_id": f"bench.{uuid.uuid4().hex}",
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


def _activity(service_url: str) -> tuple[bytes, dict[str, str]]:
    activity = {
        "type": "message",
        "id": f"bench:{uuid.uuid4().hex}",
        "channelId": "msteams",
        "serviceUrl": service_url,
        "text": "help",
        "textFormat": "plain",
        "from": {"id": "29:1asha", "aadObjectId": "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c05"},
        "recipient": {"id": "28:bot"},
        "conversation": {"conversationType": "personal", "id": "a:1bench"},
        "channelData": {"tenant": {"id": "t1"}},
    }
    return json.dumps(activity).encode(), {"Content-Type": "application/json"}


async def _load(
    urls: list[str],
    request: Callable[[], tuple[bytes, dict[str, str]]],
    *,
    total: int,
    in_flight: int,
    failed: list[int] | None = None,
    in_ack: list[int] | None = None,
) -> Latencies:
    """`total` requests, `in_flight` at a time, spread round-robin over `urls`; how many
    were not answered 2xx goes in `failed`, else is printed; how many 200s carried a
    body (a reply in the ack) in `in_ack`."""
    latencies: list[float] = []
    errors = bodies = 0
    queue = iter(range(total))
    connector = aiohttp.TCPConnector(limit=in_flight)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def worker() -> None:
            nonlocal errors, bodies
            for n in queue:
                body, headers = request()
                started = time.perf_counter()
                async with session.post(urls[n % len(urls)], data=body, headers=headers) as r:
                    bodies += bool(await r.read()) and r.status == 200
                    errors += r.status >= 300
                latencies.append(time.perf_counter() - started)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(in_flight)))
        elapsed = time.perf_counter() - started
    if in_ack is not None:
        in_ack.append(bodies)
    if failed is not None:
        failed.append(errors)
    elif errors:
        print(f"  ({errors} answers were not 2xx)")
    return latencies, total / elapsed


def _row(name: str, measured: Latencies, baseline: Latencies | None = None) -> str:
    latencies, rps = measured
    ordered = sorted(latencies)
    p50 = statistics.median(ordered) * 1000
    p99 = ordered[max(int(len(ordered) * 0.99) - 1, 0)] * 1000
    ratio = f"{rps / baseline[1]:7.2f}" if baseline else f"{'':>7}"
    return f"  {name:<44} {p50:8.1f} {p99:8.1f} {rps:8.0f} {ratio}"


HEADER = f"  {'':<44} {'p50 ms':>8} {'p99 ms':>8} {'req/s':>8} {'ratio':>7}"


REPLIES = ("chat.postMessage", "chat.postEphemeral", "response_url")


class Replies:
    """How many replies the fake Slack has received, counted as they arrive (cheap
    enough to ask on every call)."""

    def __init__(self, fake: FakeSlack) -> None:
        self.fake, self.seen, self.count = fake, 0, 0

    def __call__(self) -> int:
        calls = self.fake.calls
        self.count += sum(1 for call in calls[self.seen :] if call.method in REPLIES)
        self.seen = len(calls)
        return self.count


def _replies(fake: FakeSlack) -> int:
    return sum(1 for call in fake.calls if call.method in REPLIES)


@dataclass
class Measured:
    latencies: list[float]
    acks: float  # acknowledged requests a second
    end_to_end: float  # requests a second until their replies reached the fake Slack
    cpu_ms: float  # the server's CPU per request, until then
    refused: int  # answers that were not 2xx

    @property
    def p99(self) -> float:
        ordered = sorted(self.latencies)
        return ordered[max(int(len(ordered) * 0.99) - 1, 0)] * 1000


async def _posts(server: Server, fake: FakeSlack, channel: str = IN_ITS_DM) -> bool:
    """Whether `server` answers /extramile help through the Web API (else in the ack)."""
    before = _replies(fake)
    body, headers = _signed_command("help", channel)
    async with aiohttp.ClientSession() as session:
        await session.post(f"{server.url}/slack/events", data=body, headers=headers)
    with contextlib.suppress(TimeoutError):
        await fake.wait_until(lambda: _replies(fake) > before, within=3)
    return _replies(fake) > before


async def _measure(
    server: Server, fake: FakeSlack, total: int, in_flight: int, channel: str = IN_ITS_DM
) -> Measured:
    """Signed /extramile help typed in `channel`: acks, and the time until every reply
    has reached the person (in the ack's body, or posted to the fake Slack); the
    server's CPU meanwhile."""
    url = [f"{server.url}/slack/events"]

    def command() -> tuple[bytes, dict[str, str]]:
        return _signed_command("help", channel)

    await _load(url, command, total=200, in_flight=in_flight)  # warm up
    await _settle(fake)
    replies, cpu, failed, in_ack = _replies(fake), server.cpu_seconds(), list[int](), list[int]()
    started = time.perf_counter()
    latencies, rate = await _load(
        url, command, total=total, in_flight=in_flight, failed=failed, in_ack=in_ack
    )
    acked = total - failed[0]  # a refusal (503: shed under load) is neither ack nor reply
    posted = acked - in_ack[0]  # answered in the person's DM through the Web API
    if posted:
        counted = Replies(fake)
        with contextlib.suppress(TimeoutError):
            await fake.wait_until(lambda: counted() >= replies + posted, within=60)
    answered = in_ack[0] + min(posted, _replies(fake) - replies)
    elapsed = time.perf_counter() - started
    used = server.cpu_seconds() - cpu
    return Measured(
        latencies,
        rate * (total - failed[0]) / total,
        answered / elapsed,
        used * 1000 / total,
        failed[0],
    )


async def _quiet(count: Callable[[], int]) -> None:
    """Until `count` has not changed for half a second (the warm-up's answers are in)."""
    seen = -1
    while seen != count():
        seen = count()
        await asyncio.sleep(0.5)


async def _settle(fake: FakeSlack) -> None:
    """Until no reply has arrived for half a second (the warm-up's are all in)."""
    seen = -1
    while seen != _replies(fake):
        seen = _replies(fake)
        await asyncio.sleep(0.5)


def _slack_row(name: str, m: Measured, ratios: str = "") -> str:
    p50 = statistics.median(m.latencies) * 1000
    return (
        f"  {name:<34} {p50:8.1f} {m.p99:8.1f} {m.acks:8.0f} {m.end_to_end:9.0f} "
        f"{m.cpu_ms:7.2f} {m.refused:7}  {ratios}"
    )


SLACK_HEADER = (
    f"  {'':<34} {'p50 ms':>8} {'p99 ms':>8} {'acks/s':>8} {'replies/s':>9} {'CPU ms':>7}  ratios"
)


async def front_doors(tmp: Path) -> None:
    fake = FakeSlack()
    await fake.start()
    connector = FakeConnector()
    await connector.start()
    ours = await extramile(
        "extramile", tmp, database_url=f"sqlite:///{tmp / 'serve.db'}", slack_api=fake.api_url
    )
    # The reply Extra Mile posts for /extramile help, for the baselines to post the same.
    posted = await _posts(ours, fake)
    reply = tmp / "reply.json"
    answers = [c.params for c in fake.calls if c.method in REPLIES]
    reply.write_text(json.dumps(answers[-1] if answers else {"text": "What I can do"}))
    bare_slack = await bare("slack", tmp, slack_api=fake.api_url)
    bare_post = await bare("slack-post", tmp, slack_api=fake.api_url, reply=reply)
    bare_ack = await bare("slack-ack", tmp, slack_api=fake.api_url, reply=reply)
    bare_teams = await bare("teams", tmp)
    servers = (bare_slack, bare_post, bare_ack, bare_teams, ours)
    try:
        await asyncio.sleep(2)
        idle = {s.name: s.rss_mb() for s in servers}
        how = "posted through chat.postMessage" if posted else "in the ack"
        print(f"Slack: {REQUESTS} signed /extramile help per row (SQLite). Extra Mile twice:")
        print("  typed in her DM with the bot, the answer is the ack's body (once that DM is")
        print(f"  known; the very first answer was {how}); typed in a channel, it is")
        print("  acknowledged from the inbox and answered in her DM through the outbox")
        print("  ratios: Extra Mile's acks/s to the no-op's and the in-ack app's; its replies/s")
        print("  (ack + reply received by the fake Slack) to the app posting the same reply")
        for in_flight in (50, 200):
            print(f"{in_flight} in flight")
            print(SLACK_HEADER)
            m = {s: await _measure(s, fake, REQUESTS, in_flight) for s in (*servers[:3], ours)}
            in_channel = await _measure(ours, fake, REQUESTS, in_flight, IN_A_CHANNEL)
            print(_slack_row("bare bolt, no-op", m[bare_slack]))
            print(_slack_row("bare bolt, posts the same reply", m[bare_post]))
            print(_slack_row("bare bolt, the reply in the ack", m[bare_ack]))
            for name, ours_m in (("Extra Mile, in its DM", m[ours]), ("in a channel", in_channel)):
                print(
                    _slack_row(
                        name, ours_m, _ratios(ours_m, m[bare_slack], m[bare_ack], m[bare_post])
                    )
                )
            if in_flight == 50:
                _slack_targets((m[ours], in_channel), m[bare_slack], m[bare_post])
        print()
        print(f"Teams: {REQUESTS // 2} message activities per row, 50 in flight")
        print(HEADER)

        def activity() -> tuple[bytes, dict[str, str]]:
            return _activity(connector.service_url)

        measured = {}
        for server in (bare_teams, ours):
            url = [f"{server.url}/api/messages"]
            await _load(url, activity, total=100, in_flight=50)
            if server is ours:
                await _quiet(lambda: len(connector.sent()))
            before, started = len(connector.sent()), time.perf_counter()
            measured[server] = await _load(url, activity, total=REQUESTS // 2, in_flight=50)
        print(_row("bare ActivityHandler (a no-op)", measured[bare_teams]))
        print(_row("Extra Mile (answers each)", measured[ours], measured[bare_teams]))
        # Its answers, which a message's acknowledgement does not wait for, as they reach
        # the connector: the rate until the last arrived.
        with contextlib.suppress(TimeoutError):
            await connector.wait_until(
                lambda: len(connector.sent()) - before >= REQUESTS // 2, within=120
            )
        answered = len(connector.sent()) - before
        rate = answered / (time.perf_counter() - started)
        print(f"  {'its answers received by the connector':<44} {answered:8} answers, {rate:.0f}/s")
        teams = measured[ours][1] / measured[bare_teams][1]
        record(targets.TEAMS, f"{teams:.2f}", f"{measured[bare_teams][1]:.0f}/s", teams >= 0.9)
        await asyncio.sleep(1)
        print()
        print("Memory: resident size (MB)")
        print(f"  {'':<44} {'idle':>8} {'loaded':>8}")
        for server in servers:
            print(f"  {server.name:<44} {idle[server.name]:8.1f} {server.rss_mb():8.1f}")
        rss = idle[ours.name] / idle[bare_slack.name]
        record(targets.RSS, f"{rss:.2f}x", f"{idle[bare_slack.name]:.0f} MB", rss <= 1.4)
    finally:
        for server in servers:
            await server.stop()
        await fake.close()
        await connector.close()


def _ratios(ours: Measured, noop: Measured, in_ack: Measured, posting: Measured) -> str:
    return (
        f"no-op {ours.acks / noop.acks:.2f}, in-ack {ours.acks / in_ack.acks:.2f}, "
        f"posting {ours.end_to_end / posting.end_to_end:.2f}"
    )


def _slack_targets(ours: tuple[Measured, Measured], noop: Measured, posting: Measured) -> None:
    """Each Slack target for both of Extra Mile's paths: typed in its DM | in a channel."""

    def both(
        figure: str, of: Callable[[Measured], float], form: str, baseline: str, limit: float
    ) -> None:
        shown = " | ".join(form.format(of(m)) for m in ours)
        # A ratio of throughputs must reach its limit; a time or a cost stay within it.
        met = tuple(of(m) >= limit if "/s" in baseline else of(m) <= limit for m in ours)
        record(figure, shown, baseline, met)

    both(targets.ACK, lambda m: m.acks / noop.acks, "{:.2f}", f"{noop.acks:.0f}/s", 1.0)
    both(targets.P99, lambda m: m.p99, "{:.0f} ms", f"{noop.p99:.0f} ms", 2 * noop.p99)
    both(
        targets.END_TO_END,
        lambda m: m.end_to_end / posting.end_to_end,
        "{:.2f}",
        f"{posting.end_to_end:.0f}/s",
        0.8,
    )
    both(targets.CPU, lambda m: m.cpu_ms, "{:.2f} ms", f"{noop.cpu_ms:.2f} ms", 1.5)


async def scale_out(tmp: Path, postgres: str) -> None:
    fake = FakeSlack()
    await fake.start()
    url, drop = await _scratch_postgres(postgres)
    first = await extramile("serve-1", tmp, database_url=url, slack_api=fake.api_url)
    second = await extramile("serve-2", tmp, database_url=url, slack_api=fake.api_url)
    try:
        print(f"Scale-out on PostgreSQL: {REQUESTS} signed commands, 50 in flight")
        print(HEADER)

        def command() -> tuple[bytes, dict[str, str]]:
            return _signed_command("help")

        one = [f"{first.url}/slack/events"]
        both = [*one, f"{second.url}/slack/events"]
        await _load(both, command, total=200, in_flight=50)
        alone = await _load(one, command, total=REQUESTS, in_flight=50)
        pair = await _load(both, command, total=REQUESTS, in_flight=50)
        print(_row("one serve process", alone))
        print(_row("two serve processes", pair, alone))
    finally:
        await first.stop()
        await second.stop()
        await fake.close()
        await drop()


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
    from app.jobs import run_job
    from app.server import create_app, tune_gc
    from tests.e2e.test_fan_out import MONDAY, big_shop

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
    from aiohttp import web

    runner = web.AppRunner(create_app(settings))
    tune_gc()  # as `extramile serve` does (the app runs in this process here)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        runtime = runner.app[RUNTIME]
        await run_job("weekly-prompt", org=runtime.org, database=runtime.database, at=MONDAY)
        started = time.perf_counter()
        # Cheap to check on every call: how many people have at least one message.
        await fake.wait_until(lambda: len(fake.messages) >= people, within=people / per_second * 5)
        elapsed = time.perf_counter() - started
        await asyncio.sleep(1)  # anything doubled would arrive now
        counts = [len(m) for c, m in fake.messages.items() if c.startswith("D0S")]
        refused = sum(1 for call in fake.of("chat.postMessage") if not call.response)
    finally:
        await runner.cleanup()
        await fake.close()
    minimum = people / per_second
    lost, doubled = people - len(counts), sum(1 for c in counts if c > 1)
    ratio = elapsed / minimum
    record(
        targets.FAN_OUT,
        f"{ratio:.2f}, {lost}/{doubled}",
        f"{minimum:.0f} s ({people:,})",
        ratio <= 1.1 and lost == 0 and doubled == 0,
    )
    return [
        f"{people} prompts at {per_second}/s: {elapsed:.1f} s, theoretical minimum "
        f"{minimum:.1f} s, ratio {elapsed / minimum:.2f}",
        f"lost {lost}, doubled {doubled}, answered 429 {refused} times",
    ]


async def engine_throughput(url: str, label: str, count: int = 300) -> tuple[str, float]:
    """Actions logged end to end (bench.year.logging_rates: `log`, the form submitted, a
    deed of its own each time, the answers queued as Slack's are) on an empty database
    with the example shop; the line to print and the rate they were answered at."""
    database = open_database(url)
    await database.upgrade()
    org = load_organisation(EXAMPLE_ORG_FILE)
    async with UnitOfWork(database) as uow:
        await sync_organisation(uow, org)
        await uow.commit()
    engine = Engine(org=org, database=database, clock=SystemClock())
    rates = await logging_rates(engine, Sender("console", "asha"), count)
    await database.close()
    line = (
        f"  actions logged end to end, {label:<17} {rates.answered:8.0f} /s answered, "
        f"{rates.asked:.0f}/s with their practice questions"
    )
    return line, rates.answered


async def _scratch_postgres(postgres: str) -> tuple[str, Callable[[], Awaitable[None]]]:
    """A new, empty database next to `postgres`, and how to drop it."""
    name = f"bench_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(postgres)
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()

    async def drop() -> None:
        admin = await asyncpg.connect(postgres)
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()

    return make_url(postgres).set(database=name).render_as_string(hide_password=False), drop


async def main() -> None:
    print(f"Extra Mile bench, {os.cpu_count()} cores, Python {sys.version.split()[0]}\n")
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        await front_doors(tmp)
        print()
        from bench.overload import overload

        await overload(tmp, lambda: _signed_command("help"), _activities)
        print()
        if POSTGRES:
            await scale_out(tmp, POSTGRES)
        else:
            print("Scale-out: set EXTRAMILE_TEST_POSTGRES_URL to measure one server beside two")
        print()
        print(
            f"Fan-out: weekly prompts through the outbox to a fake Slack that answers 429 "
            f"with Retry-After beyond {FANOUT_RATE} messages a second"
        )
        for line in await fan_out(tmp, FANOUT, FANOUT_RATE):
            print(" ", line)
        print()
        print("Engine (in process, no HTTP)")
        line, rate = await engine_throughput(f"sqlite:///{tmp / 'engine.db'}", "SQLite")
        print(line)
        record(targets.SAVES, f"{rate:.0f}/s", "", rate >= 300)
        if POSTGRES:
            url, drop = await _scratch_postgres(POSTGRES)
            print((await engine_throughput(url, "PostgreSQL"))[0])
            await drop()
        print()
        await years(tmp)
        print()
        print(f"The manager-digest job for {DIGEST_MANAGERS} managers: the event loop meanwhile")
        for line in await digest_loop(tmp, DIGEST_MANAGERS):
            print(" ", line)
        print()
        await matching_only()
    print()
    print("Issue 18's targets, each beside its baseline from this run")
    for line in targets.table():
        print(line)


async def years(tmp: Path) -> None:
    print(
        "A generated year: digest and nominations beside one plain SQL aggregate; actions "
        "logged before and after it is stored"
    )
    figures: dict[str, float] = {}
    for line in await year_of_data(
        tmp, f"sqlite:///{tmp / 'year.db'}", "SQLite", YEAR_ACTIONS, YEAR_PEOPLE, figures
    ):
        print(" ", line)
    ratio = figures["digest"] / figures["digest_sql"]
    sql = f"{figures['digest_sql'] * 1000:.0f} ms ({YEAR_ACTIONS:,})"
    record(targets.DIGEST, f"{ratio:.2f}x", sql, ratio <= 1.5)
    ratio = figures["saves_full"] / figures["saves_empty"]
    empty = f"{figures['saves_empty']:.0f}/s empty"
    record(targets.SAVES_STORED, f"{ratio:.2f} x empty", empty, ratio >= 0.9)
    if POSTGRES:
        url, drop = await _scratch_postgres(POSTGRES)
        for line in await year_of_data(tmp, url, "PostgreSQL", YEAR_ACTIONS, YEAR_PEOPLE, {}):
            print(" ", line)
        await drop()


async def overload_only() -> None:
    from bench.overload import overload

    print(f"Extra Mile overload bench, {os.cpu_count()} cores, Python {sys.version.split()[0]}\n")
    with tempfile.TemporaryDirectory() as folder:
        await overload(Path(folder), lambda: _signed_command("help"), _activities)


def _activities(service_url: str) -> Callable[[], tuple[bytes, dict[str, str]]]:
    return lambda: _activity(service_url)


async def front_doors_only() -> None:
    print(f"Extra Mile front doors, {os.cpu_count()} cores, Python {sys.version.split()[0]}\n")
    with tempfile.TemporaryDirectory() as folder:
        await front_doors(Path(folder))
    print()
    for line in targets.table():
        print(line)


if __name__ == "__main__":
    # `python -m bench overload`: only the overload rows (bench/overload.py);
    # `python -m bench doors`: only Slack, Teams and memory beside their bare apps;
    # `python -m bench matching`: only practice matching before and after issue 17.
    only = {"overload": overload_only, "doors": front_doors_only, "matching": matching_only}
    asyncio.run(only[sys.argv[1]]() if sys.argv[1:2] and sys.argv[1] in only else main())
