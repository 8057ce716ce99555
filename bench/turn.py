"""A turn's own CPU, in process, on SQLite (`python -m bench turn`): what a quick unit of
work costs around its SQL, and the help turn both ways Slack asks for it (answered in
the ack, or queued for the outbox), beside the same claim done on a bare sqlite3
connection. No HTTP, no bolt: the engine and the storage alone."""

from __future__ import annotations

import sqlite3
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

from bot.clock import SystemClock
from bot.domain.orgfile import load_organisation
from bot.engine import Engine
from bot.messages import Sender, TextMessage
from bot.queued_replies import QueueReplies
from bot.settings import EXAMPLE_ORG_FILE
from storage.database import Database, open_database
from storage.events import claim_event
from storage.people import sync_organisation
from storage.uow import UnitOfWork

TIMES = 3000


async def _cpu_us(work: Callable[[], Awaitable[object]], times: int = TIMES) -> float:
    """Microseconds of this process's CPU per call of `work`, the best of three."""
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        for _ in range(times):
            await work()
        best = min(best, (time.process_time() - started) / times * 1e6)
    return best


def _bare_claims(path: Path, times: int = TIMES) -> float:
    """The same claim, BEGIN IMMEDIATE and COMMIT on a bare sqlite3 connection."""
    raw = sqlite3.connect(path, isolation_level=None)
    raw.execute("PRAGMA synchronous=NORMAL")
    started = time.process_time()
    for _ in range(times):
        raw.execute("BEGIN IMMEDIATE")
        raw.execute(
            "INSERT INTO processed_event (key, processed_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
            (uuid.uuid4().hex, "2026-11-26 09:30:00.000000"),
        )
        raw.commit()
    raw.close()
    return (time.process_time() - started) / times * 1e6


async def example_engine(url: str) -> tuple[Engine, Database]:
    """The engine on a new database at `url` holding the example shop (close it after)."""
    database = open_database(url)
    await database.upgrade()
    org = load_organisation(EXAMPLE_ORG_FILE)
    async with UnitOfWork(database) as uow:
        await sync_organisation(uow, org)
        await uow.commit()
    return Engine(org=org, database=database, clock=SystemClock()), database


async def turn_costs() -> list[str]:
    folder = Path(tempfile.mkdtemp())
    engine, database = await example_engine(f"sqlite:///{folder / 'turn.db'}")
    asha = Sender("slack", "U0ASHA01")

    async def claimed() -> None:
        async with UnitOfWork(database, quick=True) as uow:
            await claim_event(uow, uuid.uuid4().hex)
            await uow.commit()

    def help_turn(queue: QueueReplies, *, once: bool) -> Callable[[], Awaitable[object]]:
        def work() -> Awaitable[object]:
            command = TextMessage(asha, "help", f"slack:command:{uuid.uuid4().hex}")
            return engine.handle(command, queue=queue, once=once)

        return work

    queued = help_turn(QueueReplies(forms=False), once=False)
    in_ack = help_turn(QueueReplies(forms=False, answer_here=lambda _: True), once=True)
    await _cpu_us(queued, 300)  # warm: caches, the first statements compiled
    try:
        rows = [
            ("a claim and its commit, bare sqlite3", _bare_claims(folder / "turn.db")),
            ("the same in a quick unit of work", await _cpu_us(claimed)),
            ("help, answered in the ack (nothing written)", await _cpu_us(in_ack)),
            ("help, its answer queued for the outbox", await _cpu_us(queued)),
        ]
    finally:
        await database.close()
    return [f"  {name:<48} {cpu:8.0f} us of CPU" for name, cpu in rows]
