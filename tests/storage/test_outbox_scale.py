"""Claiming the outbox's due messages must cost about what the messages it looks at
cost, not that times every message waiting for a retry: a fan-out answered 429 leaves
thousands waiting, and each claim checked every due message against all of them
(quadratic; it took over half the server's CPU, seconds a claim, once a burst's
replies queued up behind a few retries). Counted in SQLite virtual-machine steps with
a progress handler, never timed."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import col, select

from storage.database import Database
from storage.outbox import claim_due, enqueue, mark_retry
from storage.tables import OutboxRow
from storage.uow import UnitOfWork

NOW = datetime.fromisoformat("2026-11-25T12:00:00+00:00")
LATER = NOW + timedelta(minutes=5)
STEP = 100  # virtual-machine instructions per count


async def _queue(database: Database, *, due: int, waiting: int, tag: str) -> None:
    """`due` messages due now, and `waiting` others' due again LATER (after a 429)."""
    async with UnitOfWork(database, quick=True) as uow:
        for n in range(waiting):
            await enqueue(uow, person_id=f"{tag}-w{n}", payload={"n": n}, now=NOW)
        for n in range(due):
            await enqueue(uow, person_id=f"{tag}-d", payload={"n": n}, now=NOW)
        await uow.commit()
    async with UnitOfWork(database, quick=True) as uow:
        ids = await uow.session.exec(
            select(OutboxRow.id).where(col(OutboxRow.person_id).startswith(f"{tag}-w"))
        )
        for item_id in ids.all():
            assert item_id is not None
            await mark_retry(uow, item_id, at=LATER, error="429")
        await uow.commit()


async def _steps_to_claim(database: Database) -> tuple[int, int]:
    """How many messages one claim took, and the SQLite steps (in STEPs) it took."""
    async with UnitOfWork(database, quick=True) as uow:
        connection = await uow.session.connection()
        raw = (await connection.get_raw_connection()).driver_connection
        sqlite = raw._conn  # the sqlite3 connection under aiosqlite
        steps = [0]

        def count() -> int:
            steps[0] += 1
            return 0  # go on

        sqlite.set_progress_handler(count, STEP)
        try:
            claimed = await claim_due(uow, now=NOW, lease=timedelta(minutes=2), limit=200)
        finally:
            sqlite.set_progress_handler(None, STEP)
    return len(claimed), steps[0]


async def test_a_claim_does_not_check_each_due_message_against_every_waiting_one(
    sqlite_db: Database,
) -> None:
    await _queue(sqlite_db, due=250, waiting=250, tag="small")
    taken, small = await _steps_to_claim(sqlite_db)
    assert taken == 200
    await _queue(sqlite_db, due=1750, waiting=1750, tag="large")
    taken, large = await _steps_to_claim(sqlite_db)
    assert taken == 200
    # 8 times the messages due and 8 times those waiting: looking at each once is about
    # 8 times the steps; checking each due one against every waiting one, about 64.
    assert large <= 20 * max(small, 1), (small, large)
