"""Prepared statements (storage.prepared): on SQLite, in a quick unit of work, they run on
the transaction's own sqlite3 connection; what they write must read back through the ORM
exactly as if the session had written it, in the same transaction, on both databases."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime

import pytest
from pytest_mock import MockerFixture
from sqlalchemy import exc as sql_errors
from sqlmodel import select

from bot.domain.actions import OutboxStatus
from bot.domain.org import Organisation
from bot.domain.records import ConversationState
from storage.conversations import load_state, save_state
from storage.database import Database, is_unavailable
from storage.events import claim_event
from storage.outbox import enqueue
from storage.people import sync_organisation
from storage.tables import OutboxRow, ProcessedEventRow
from storage.uow import UnitOfWork

AT = datetime(2026, 11, 26, 9, 30, 15, 123456, tzinfo=UTC)
PAYLOAD: dict[str, object] = {"kind": "text", "text": "Thanks – “quoted” & <b>", "n": [1, 2.5]}


async def _queued(database: Database, *, quick: bool, key: str) -> None:
    async with UnitOfWork(database, quick=quick) as uow:
        assert await enqueue(uow, person_id="p1", payload=PAYLOAD, now=AT, dedupe_key=key)
        # Which way it went: the sqlite3 handle only for a quick one on SQLite.
        on_the_handle = await uow.sqlite_handle() is not None
        assert on_the_handle == (quick and database.dialect == "sqlite")
        await uow.commit()


async def test_a_row_written_prepared_reads_back_like_one_the_session_wrote(
    database: Database,
) -> None:
    await _queued(database, quick=True, key="prepared")  # the sqlite3 handle, on SQLite
    await _queued(database, quick=False, key="session")  # the session, always
    async with UnitOfWork(database, read_only=True) as uow:
        rows = {row.dedupe_key: row for row in (await uow.session.exec(select(OutboxRow))).all()}
    prepared, session = rows["prepared"], rows["session"]
    for name in ("person_id", "platform", "target", "payload", "status", "attempts"):
        assert getattr(prepared, name) == getattr(session, name), name
    assert prepared.payload == PAYLOAD
    assert prepared.status == OutboxStatus.PENDING
    assert prepared.created_at == session.created_at == AT
    assert prepared.maybe_sent is False


async def test_a_second_claim_of_one_key_is_refused_and_a_rollback_keeps_nothing(
    database: Database,
) -> None:
    async with UnitOfWork(database, quick=True) as uow:
        assert await claim_event(uow, "slack:cmd:1")
        assert not await claim_event(uow, "slack:cmd:1")
        assert await uow.wrote()
        await uow.commit()
    async with UnitOfWork(database, quick=True) as uow:
        assert await claim_event(uow, "slack:cmd:2")
        await uow.rollback()
    async with UnitOfWork(database, quick=True) as uow:
        assert await claim_event(uow, "slack:cmd:3")
        # leaving without commit rolls back, prepared statements included
    async with UnitOfWork(database, read_only=True) as uow:
        keys = (await uow.session.exec(select(ProcessedEventRow.key))).all()
    assert sorted(keys) == ["slack:cmd:1"]


async def test_a_prepared_read_sees_what_the_turn_wrote_through_the_session(
    database: Database, org: Organisation
) -> None:
    """Unflushed ORM work is flushed first, as the session's own execute would."""
    state = ConversationState("log", "extra", {"need": "a <b>ramp</b>", "n": "2"})
    async with UnitOfWork(database, quick=True) as uow:
        await sync_organisation(uow, org)
        await save_state(uow, "asha", state)  # through the session
        assert await load_state(uow, "asha") == state  # prepared, same transaction
        uow.session.add(
            ProcessedEventRow(key="orm-added", processed_at=AT)  # pending, not flushed
        )
        assert not await claim_event(uow, "orm-added")  # sees it: flushed first
        await uow.commit()
    async with UnitOfWork(database, quick=True) as uow:
        assert await load_state(uow, "asha") == state


async def test_sqlite_errors_come_back_as_sqlalchemys_and_another_writer_is_waited_for(
    sqlite_db: Database,
) -> None:
    """Another process holding SQLite's write lock is waited for off the event loop
    (the BEGIN goes to the connection's thread); a statement SQLite refuses is raised as
    SQLAlchemy's error, so "the database is away" is still told by its type."""
    path = sqlite_db.engine.url.database
    assert path is not None
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    claimed = asyncio.ensure_future(_claim(sqlite_db, "after-the-other"))
    await asyncio.sleep(0.3)  # the other process still writes: the claim must wait
    assert not claimed.done()
    other.execute("COMMIT")
    assert await asyncio.wait_for(claimed, 10)
    other.close()

    async with UnitOfWork(sqlite_db, quick=True) as uow:
        await uow.session.exec(select(ProcessedEventRow))  # the transaction is begun
        handle = await uow.sqlite_handle()
        assert handle is not None
        handle.execute("DROP TABLE processed_event")
        with pytest.raises(sql_errors.OperationalError) as raised:
            await claim_event(uow, "no-table")
        assert is_unavailable(raised.value)


async def _claim(database: Database, key: str) -> bool:
    async with UnitOfWork(database, quick=True) as uow:
        claimed = await claim_event(uow, key)
        await uow.commit()
    return claimed


async def test_orm_work_after_a_prepared_statement_shares_its_transaction(
    database: Database,
) -> None:
    """A quick unit of work on SQLite begins on its connection without a session; one
    made later joins that transaction: committed together, or rolled back together."""
    for commit in (False, True):
        async with UnitOfWork(database, quick=True) as uow:
            assert await claim_event(uow, f"prepared-{commit}")  # no session yet
            uow.session.add(ProcessedEventRow(key=f"orm-{commit}", processed_at=AT))
            assert not await claim_event(uow, f"orm-{commit}")  # the same transaction
            if commit:
                await uow.commit()
    async with UnitOfWork(database, quick=True) as uow:
        # After a commit the unit of work goes on in a new transaction.
        assert await claim_event(uow, "first")
        await uow.commit()
        assert await claim_event(uow, "second")
        uow.session.add(ProcessedEventRow(key="third", processed_at=AT))
        await uow.commit()
    async with UnitOfWork(database, read_only=True) as uow:
        keys = (await uow.session.exec(select(ProcessedEventRow.key))).all()
    assert sorted(keys) == ["first", "orm-True", "prepared-True", "second", "third"]


async def test_a_write_lock_held_past_the_wait_is_told_as_the_database_being_away(
    sqlite_db: Database, mocker: MockerFixture
) -> None:
    """Another process keeps the write lock longer than a transaction waits for it: the
    turn must hear "the database is away" (so the platform is told to try again), not
    a bare sqlite3 error (which it would take for a bug, and apologise)."""
    mocker.patch("storage.sqlite_driver.BUSY", 0.2)
    path = sqlite_db.engine.url.database
    assert path is not None
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(sql_errors.OperationalError) as raised:
            await _claim(sqlite_db, "while-locked")
        assert is_unavailable(raised.value)
    finally:
        other.execute("ROLLBACK")
        other.close()
