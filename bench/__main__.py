"""`make bench`: measured speed and memory, each figure beside its baseline from the same
run, so the ratio holds on a noisy machine. Results are printed, never asserted.

- Slack: signed /extramile help through `extramile serve` (bolt, the engine's turn, the
  reply to a local fake Slack), from 50 people in turn (bench/crowd.py; and from one
  person, whose answers go out in order), beside three bare slack-bolt AsyncApps (bench/bare.py):
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
- Engine: actions logged end to end per second, SQLite and PostgreSQL; a turn's own CPU
  and a quick unit of work's beside a bare sqlite3 connection's (bench/turn.py).
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
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import targets  # noqa: E402
from bench.digest_loop import MANAGERS as DIGEST_MANAGERS  # noqa: E402
from bench.digest_loop import digest_loop  # noqa: E402
from bench.load import HEADER, latency_row, send_load, signed_command, teams_activity  # noqa: E402
from bench.matching import matching_only  # noqa: E402
from bench.servers import extramile  # noqa: E402
from bench.slack_doors import REQUESTS, front_doors  # noqa: E402
from bench.targets import record  # noqa: E402
from bench.turn import example_engine, turn_costs  # noqa: E402
from bench.year import logging_rates, year_of_data  # noqa: E402
from bot.messages import Sender  # noqa: E402
from bot.settings import Settings  # noqa: E402
from tests.fakes.fake_slack import SIGNING_SECRET, TOKEN, FakeSlack  # noqa: E402

FANOUT = int(os.environ.get("BENCH_FANOUT", "10000"))
FANOUT_RATE = int(os.environ.get("BENCH_FANOUT_RATE", "200"))
YEAR_ACTIONS = int(os.environ.get("BENCH_YEAR_ACTIONS", "1000000"))
YEAR_PEOPLE = int(os.environ.get("BENCH_YEAR_PEOPLE", "10000"))
POSTGRES = os.environ.get("EXTRAMILE_TEST_POSTGRES_URL")


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
            return signed_command("help")

        one = [f"{first.url}/slack/events"]
        both = [*one, f"{second.url}/slack/events"]
        await send_load(both, command, total=200, in_flight=50)
        alone = await send_load(one, command, total=REQUESTS, in_flight=50)
        pair = await send_load(both, command, total=REQUESTS, in_flight=50)
        print(latency_row("one serve process", alone))
        print(latency_row("two serve processes", pair, alone))
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
    engine, database = await example_engine(url)
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

        await overload(tmp, lambda: signed_command("help"), _activities)
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
        await turn_only()
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
        await overload(Path(folder), lambda: signed_command("help"), _activities)


async def turn_only() -> None:
    print("A turn's own CPU (in process, SQLite, bench/turn.py)")
    for line in await turn_costs():
        print(line)


def _activities(service_url: str) -> Callable[[], tuple[bytes, dict[str, str]]]:
    return lambda: teams_activity(service_url)


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
    # `python -m bench matching`: only practice matching before and after issue 17;
    # `python -m bench turn`: only a turn's own CPU, in process (bench/turn.py).
    only = {
        "overload": overload_only,
        "doors": front_doors_only,
        "matching": matching_only,
        "turn": turn_only,
    }
    asyncio.run(only[sys.argv[1]]() if sys.argv[1:2] and sys.argv[1] in only else main())
