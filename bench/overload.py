"""`python -m bench overload`: does everyone hear back in time when far more requests
arrive than the server can answer?

500 requests in flight against a real `extramile serve` (SQLite): signed Slack
`/extramile help` commands, then Teams message activities (emulator mode, replies to
a local fake connector). Each platform gives up on an answer after a deadline (Slack
3 s, Bot Framework about 15 s), so the figure that matters is how many answers came
later than that: it should be 0. Past its limit of requests in flight a route
answers 503 at once (adapters.overload) and the platform delivers the request
again; the run with the limit lifted shows what happens without that.

Printed, never asserted. BENCH_OVERLOAD_REQUESTS (default 3000) Slack requests per row
(Teams 40 % of that), BENCH_OVERLOAD_IN_FLIGHT (default 500) at a time: long enough
for a backlog to build, about a minute and a half on 2 cores.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import aiohttp

from bench.servers import Server, extramile
from tests.fakes.fake_connector import FakeConnector
from tests.fakes.fake_slack import FakeSlack

REQUESTS = int(os.environ.get("BENCH_OVERLOAD_REQUESTS", "3000"))  # Teams: 40 %
IN_FLIGHT = int(os.environ.get("BENCH_OVERLOAD_IN_FLIGHT", "500"))
SLACK_DEADLINE = 3.0
TEAMS_DEADLINE = 15.0
NO_LIMIT = "100000"

Request = Callable[[], tuple[bytes, dict[str, str]]]


@dataclass
class Outcome:
    latencies: list[float]
    statuses: Counter[int]
    failed: int  # no answer at all (connection refused or reset)
    elapsed: float
    in_ack: int = 0  # 2xx answers whose body was the reply (a command in the bot's DM)

    @property
    def answered(self) -> int:
        return sum(n for status, n in self.statuses.items() if 200 <= status < 300)

    def row(self, name: str, deadline: float) -> str:
        ordered = sorted(self.latencies)
        p50 = statistics.median(ordered)
        p99 = ordered[max(int(len(ordered) * 0.99) - 1, 0)]
        late = sum(1 for t in ordered if t > deadline)
        answered = self.answered
        other = sum(self.statuses.values()) - answered - self.statuses[503]
        return (
            f"  {name:<34} {p50 * 1000:8.0f} {p99 * 1000:8.0f} {answered:6d} "
            f"{self.statuses[503]:6d} {other + self.failed:6d} {late:7d}"
            f" {answered / self.elapsed:7.0f}"
        )


def header(deadline: float) -> str:
    late = f"> {deadline:.0f} s"
    return (
        f"  {'':<34} {'p50 ms':>8} {'p99 ms':>8} {'2xx':>6} {'503':>6} {'other':>6} "
        f"{late:>7} {'2xx/s':>7}"
    )


async def _burst(url: str, request: Request, *, total: int, in_flight: int) -> Outcome:
    """`total` requests, `in_flight` at a time: each worker sends its next as soon as its
    last is answered, or, after a 503, once the Retry-After it was given has passed (a
    shed request is counted once, as shed: the platform or the person sends it again)."""
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    failed = in_ack = 0
    queue = iter(range(total))
    timeout = aiohttp.ClientTimeout(total=60)
    connector = aiohttp.TCPConnector(limit=in_flight)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:

        async def worker() -> None:
            nonlocal failed, in_ack
            for _ in queue:
                body, headers = request()
                started = time.perf_counter()
                retry_after = 0.0
                try:
                    async with session.post(url, data=body, headers=headers) as response:
                        in_ack += bool(await response.read()) and response.status == 200
                        statuses[response.status] += 1
                        if response.status == 503:
                            retry_after = float(response.headers.get("Retry-After", "1"))
                except (aiohttp.ClientError, TimeoutError):
                    failed += 1
                latencies.append(time.perf_counter() - started)
                if retry_after:
                    await asyncio.sleep(retry_after)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(in_flight)))
        elapsed = time.perf_counter() - started
    return Outcome(latencies, statuses, failed, elapsed, in_ack)


async def overload(
    tmp: Path, slack_command: Request, teams_activity: Callable[[str], Request]
) -> None:
    fake = FakeSlack()
    await fake.start()
    connector = FakeConnector()
    await connector.start()
    servers: list[Server] = []
    try:
        shedding = await extramile(
            "overload", tmp, database_url=f"sqlite:///{tmp / 'overload.db'}", slack_api=fake.api_url
        )
        servers.append(shedding)
        unlimited = await extramile(
            "no-limit",
            tmp,
            database_url=f"sqlite:///{tmp / 'no-limit.db'}",
            slack_api=fake.api_url,
            env={
                "EXTRAMILE_SLACK_MAX_IN_FLIGHT": NO_LIMIT,
                "EXTRAMILE_TEAMS_MAX_IN_FLIGHT": NO_LIMIT,
                "EXTRAMILE_SLACK_SHED_AFTER": "3600",
                "EXTRAMILE_TEAMS_SHED_AFTER": "3600",
            },
        )
        servers.append(unlimited)
        print(
            f"Overload: {REQUESTS} requests per row, {IN_FLIGHT} in flight, one serve "
            "process (SQLite); 503 = shed at once for the platform to retry"
        )
        print(
            f"Slack /extramile help in the bot's DM, deadline {SLACK_DEADLINE:.0f} s; in ack: "
            "answered in the ack; replies: how long after the last ack the last other reply "
            "was posted"
        )
        print(header(SLACK_DEADLINE) + f" {'in ack':>7} {'replies':>9}")
        for name, server in (("shedding (default settings)", shedding), ("no shedding", unlimited)):
            url = f"{server.url}/slack/events"
            warm = await _burst(url, slack_command, total=100, in_flight=20)  # warm up
            await fake.wait_until(
                lambda n=warm.answered - warm.in_ack: len(fake.of("chat.postMessage")) >= n,
                within=60,
            )
            fake.calls.clear()
            outcome = await _burst(url, slack_command, total=REQUESTS, in_flight=IN_FLIGHT)
            # Acknowledged in time is half of it: how long until every reply was posted
            # (those not in the ack itself)?
            ended = time.perf_counter()
            answered = outcome.answered - outcome.in_ack
            try:
                await fake.wait_until(
                    lambda n=answered: len(fake.of("chat.postMessage")) >= n, within=300
                )
                drained = f"{time.perf_counter() - ended:6.1f} s"
            except TimeoutError:
                drained = "  > 300 s"
            print(outcome.row(name, SLACK_DEADLINE) + f" {outcome.in_ack:7d} {drained:>9}")
        teams_total = REQUESTS * 2 // 5
        print(f"Teams message activities ({teams_total} per row), deadline {TEAMS_DEADLINE:.0f} s")
        print(header(TEAMS_DEADLINE))
        activity = teams_activity(connector.service_url)
        for name, server in (("shedding (default settings)", shedding), ("no shedding", unlimited)):
            url = f"{server.url}/api/messages"
            await _burst(url, activity, total=50, in_flight=10)
            outcome = await _burst(url, activity, total=teams_total, in_flight=IN_FLIGHT)
            print(outcome.row(name, TEAMS_DEADLINE))
    finally:
        for server in servers:
            await server.stop()
        await fake.close()
        await connector.close()
