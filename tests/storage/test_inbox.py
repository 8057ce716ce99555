"""The inbox table (storage.inbox) and its worker (bot.intake), on SQLite and PostgreSQL:
a group commit writes each key once, and any number of workers replay each row once."""

from __future__ import annotations

import asyncio
import collections

from sqlalchemy.engine import make_url

from bot.intake import Arrival, InboxWorker
from storage.database import Database, open_database
from storage.inbox import SqlInbox


def _arrival(n: int, lane: str = "") -> Arrival:
    return Arrival("test", f"key.{n}", lane or f"person.{n % 7}", f"body {n}", {"n": n})


async def test_concurrent_puts_share_commits_and_a_key_is_written_once(
    database: Database,
) -> None:
    inbox = SqlInbox(database)
    # 100 requests at once, 20 of them a redelivery of an earlier one.
    await asyncio.gather(*(inbox.put(_arrival(n % 80)) for n in range(100)))
    assert await inbox.waiting() == 80
    rows = await inbox.claim(1000)
    assert sorted(r.arrival.key for r in rows) == sorted(f"key.{n}" for n in range(80))
    assert await inbox.claim(1000) == []  # leased: nobody else takes them
    for row in rows:
        await inbox.finish(row.id)
    assert await inbox.waiting() == 0


async def test_a_row_whose_replay_failed_comes_back_later(database: Database) -> None:
    inbox = SqlInbox(database)
    await inbox.put(_arrival(1))
    [row] = await inbox.claim(10)
    await inbox.again_later(row.id, 0)
    [again] = await inbox.claim(10)
    assert (again.id, again.attempts) == (row.id, 1)


async def test_two_workers_on_one_database_replay_each_row_once(database: Database) -> None:
    """Two processes' worth of workers (two connection pools) share one inbox: on
    PostgreSQL the claim is FOR UPDATE SKIP LOCKED; every row is replayed exactly once,
    and within a worker one person's rows in the order they arrived."""
    url = database.engine.url.render_as_string(hide_password=False)
    other = open_database(
        url if make_url(url).drivername.startswith("postgresql") else url.replace("+aiosqlite", "")
    )
    try:
        writer = SqlInbox(database)
        count = 300
        await asyncio.gather(*(writer.put(_arrival(n)) for n in range(count)))
        seen: collections.Counter[str] = collections.Counter()
        by_worker: dict[str, list[int]] = {"a": [], "b": []}
        order: dict[tuple[str, str], list[int]] = collections.defaultdict(list)
        all_seen = asyncio.Event()

        def handler(name: str):  # type: ignore[no-untyped-def]
            async def replay(arrival: Arrival) -> bool:
                await asyncio.sleep(0)  # let the other worker in
                n = int(arrival.meta["n"])  # type: ignore[call-overload]
                seen[arrival.key] += 1
                by_worker[name].append(n)
                order[name, arrival.lane].append(n)
                if sum(seen.values()) >= count:
                    all_seen.set()
                return True

            return replay

        workers = [
            InboxWorker(inbox=SqlInbox(db), handlers={"test": handler(name)}, concurrency=8)
            for db, name in ((database, "a"), (other, "b"))
        ]
        stop = asyncio.Event()
        running = [asyncio.ensure_future(w.run_forever(stop)) for w in workers]
        try:
            async with asyncio.timeout(60):
                await all_seen.wait()
                for worker in workers:
                    await worker.drain()
        finally:
            stop.set()
            for w in workers:
                w.bell.set()
            await asyncio.gather(*running)
        assert seen == collections.Counter(f"key.{n}" for n in range(count))
        assert await writer.waiting() == 0
        assert by_worker["a"] and by_worker["b"], "both workers took rows"
        assert all(ns == sorted(ns) for ns in order.values())
    finally:
        await other.close()
