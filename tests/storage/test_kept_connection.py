"""The kept connection (storage.kept_connection.KeptConnection): on SQLite, quick units of work
write one after another on one connection, taken from the pool once, and begin and end
their transactions on its sqlite3 handle. Each must still be a transaction of its own:
what one leaves uncommitted is rolled back before the next, one opened inside another's
block gets a connection of its own, and a session and prepared statements in one unit
of work share one transaction whichever comes first."""

from __future__ import annotations

import asyncio
import contextvars
import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pytest_mock import MockerFixture
from sqlalchemy import exc as sql_errors
from sqlmodel import select

from storage.database import Database, open_database
from storage.events import claim_event
from storage.tables import ProcessedEventRow
from storage.uow import UnitOfWork

AT = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)


async def _keys(database: Database) -> list[str]:
    async with UnitOfWork(database, read_only=True) as uow:
        return sorted((await uow.session.exec(select(ProcessedEventRow.key))).all())


async def test_quick_writers_take_turns_on_one_connection_each_in_its_own_transaction(
    sqlite_db: Database,
) -> None:
    seen = []
    for key, keep in (("a", True), ("b", False), ("c", True)):
        async with UnitOfWork(sqlite_db, quick=True) as uow:
            handle = await uow.sqlite_handle()
            seen.append(handle)
            assert await claim_event(uow, key)
            if keep:
                await uow.commit()
            # "b" leaves without commit: rolled back before "c" begins on the same handle
    assert seen[0] is seen[1] is seen[2]  # one connection, kept
    assert await _keys(sqlite_db) == ["a", "c"]


async def test_a_session_and_prepared_statements_share_one_transaction_either_way_round(
    sqlite_db: Database,
) -> None:
    # The handle first (its BEGIN said on it), then the session joins.
    async with UnitOfWork(sqlite_db, quick=True) as uow:
        assert await claim_event(uow, "handle-first")
        uow.session.add(ProcessedEventRow(key="then-session", processed_at=AT))
        await uow.commit()
    # The session first (SQLAlchemy's BEGIN), then the handle; left without commit.
    async with UnitOfWork(sqlite_db, quick=True) as uow:
        uow.session.add(ProcessedEventRow(key="session-first", processed_at=AT))
        await uow.session.flush()
        assert await claim_event(uow, "then-handle")
    # And a rollback in the middle undoes both; the work after it stands.
    async with UnitOfWork(sqlite_db, quick=True) as uow:
        uow.session.add(ProcessedEventRow(key="undone-session", processed_at=AT))
        assert await claim_event(uow, "undone-handle")
        await uow.rollback()
        assert await claim_event(uow, "after-rollback")
        await uow.commit()
    assert await _keys(sqlite_db) == ["after-rollback", "handle-first", "then-session"]


async def test_one_opened_inside_anothers_block_does_not_share_its_transaction(
    sqlite_db: Database, mocker: MockerFixture
) -> None:
    """Sharing the kept connection, the inner one's commit would commit what the outer
    one had not, and its end would roll it back under it."""
    async with UnitOfWork(sqlite_db, quick=True) as outer:
        # Nothing said yet: the inner one writes and commits on a connection of its own.
        async with UnitOfWork(sqlite_db, quick=True) as inner:
            assert await claim_event(inner, "inner")
            await inner.commit()
        assert await claim_event(outer, "outer, uncommitted")
        # Now the outer one holds SQLite's write lock: an inner writer waits for it
        # (here briefly), and is refused, without committing the outer one's work.
        mocker.patch("storage.sqlite_driver.BUSY", 0.2)
        with pytest.raises(sql_errors.OperationalError):
            async with UnitOfWork(sqlite_db, quick=True) as inner:
                await claim_event(inner, "inner, refused")
                await inner.commit()
        assert await claim_event(outer, "outer, later")
        # leaves without commit
    assert await _keys(sqlite_db) == ["inner"]


async def test_a_closed_or_invalidated_kept_connection_is_replaced(sqlite_db: Database) -> None:
    kept = sqlite_db.kept
    assert kept is not None
    connection, own = await kept.take()
    assert not own
    await connection.invalidate()  # as SQLAlchemy does when a connection breaks
    kept.give_back()
    async with UnitOfWork(sqlite_db, quick=True) as uow:
        assert await claim_event(uow, "after")
        await uow.commit()
    again, _ = await kept.take()
    kept.give_back()
    assert again is not connection
    assert await _keys(sqlite_db) == ["after"]


async def test_closing_the_database_closes_the_kept_connection(tmp_path: Path) -> None:
    before = threading.active_count()
    database = open_database(f"sqlite:///{tmp_path / 'kept.db'}")
    await database.upgrade()
    async with UnitOfWork(database, quick=True) as uow:
        assert await claim_event(uow, "one")
        await uow.commit()
    await database.close()
    # aiosqlite runs each connection in a thread of its own: none is left running.
    for thread in threading.enumerate():
        if thread is not threading.current_thread() and not thread.daemon:
            thread.join(timeout=5)
    assert threading.active_count() <= before


async def test_a_connection_that_cannot_be_had_does_not_keep_the_writer_lock(
    sqlite_db: Database, mocker: MockerFixture
) -> None:
    """A unit of work that fails as it begins (the database file gone away, say) must
    let the writers after it in, not leave every later turn waiting for ever."""
    refused = sql_errors.OperationalError("connect", None, Exception("unable to open database"))
    taking = mocker.patch("storage.kept_connection.KeptConnection.take", side_effect=refused)
    with pytest.raises(sql_errors.OperationalError):
        async with UnitOfWork(sqlite_db, quick=True):
            pass
    mocker.stop(taking)

    async def next_turn() -> None:
        async with UnitOfWork(sqlite_db, quick=True) as uow:
            assert await claim_event(uow, "after")
            await uow.commit()

    # Another request's task (its own context, as the server's are), and this one's.
    async with asyncio.timeout(5):  # the writer lock was given back
        await asyncio.create_task(next_turn(), context=contextvars.Context())
    async with asyncio.timeout(5):
        async with UnitOfWork(sqlite_db, quick=True) as uow:
            assert await claim_event(uow, "and this task's")
            await uow.commit()
    assert await _keys(sqlite_db) == ["after", "and this task's"]


async def test_a_transaction_left_open_on_it_is_rolled_back_not_joined(
    sqlite_db: Database, mocker: MockerFixture
) -> None:
    """As if a unit of work's end were cancelled midway: the next one starts clean,
    and what the stale transaction wrote is never committed with it."""
    ending = mocker.patch("storage.uow._end")  # the first one's end does not happen
    async with UnitOfWork(sqlite_db, quick=True) as uow:
        assert await claim_event(uow, "stale")
    mocker.stop(ending)
    async with UnitOfWork(sqlite_db, quick=True) as uow:
        assert await claim_event(uow, "stale")  # free again: the stale claim was undone
        assert await claim_event(uow, "next")
        await uow.commit()
    assert await _keys(sqlite_db) == ["next", "stale"]
    async with UnitOfWork(sqlite_db, quick=True) as uow:
        assert not await claim_event(uow, "next")  # and the handle's state is sound


async def _dangling_parent_tables(database: Database) -> None:
    """A foreign key checked at COMMIT: a row that breaks it makes the COMMIT fail with
    SQLite's transaction still open (as a full disk or an I/O error at the WAL can)."""
    async with UnitOfWork(database, quick=True) as uow:
        handle = await uow.sqlite_handle()
        assert handle is not None
        handle.execute("CREATE TABLE parent (id INTEGER PRIMARY KEY)")
        handle.execute(
            "CREATE TABLE child (parent_id INTEGER REFERENCES parent (id) "
            "DEFERRABLE INITIALLY DEFERRED)"
        )
        await uow.commit()


@pytest.mark.parametrize("first", ["handle", "session"])
async def test_a_commit_that_fails_is_told_as_itself_and_leaves_the_connection_sound(
    sqlite_db: Database, mocker: MockerFixture, first: str
) -> None:
    await _dangling_parent_tables(sqlite_db)
    mocker.patch("storage.sqlite_driver.BUSY", 1)  # a stuck write lock would show in 1 s
    with pytest.raises(sql_errors.IntegrityError):  # SQLite's own words, not a greenlet's
        async with UnitOfWork(sqlite_db, quick=True) as uow:
            if first == "session":
                uow.session.add(ProcessedEventRow(key="failed", processed_at=AT))
                await uow.session.flush()
            else:
                assert await claim_event(uow, "failed")
            handle = await uow.sqlite_handle()
            assert handle is not None
            handle.execute("INSERT INTO child VALUES (42)")  # no parent 42
            await uow.commit()
    for key in ("next", "and the next"):
        async with asyncio.timeout(5), UnitOfWork(sqlite_db, quick=True) as uow:
            assert await claim_event(uow, key)
            await uow.commit()
    assert await _keys(sqlite_db) == ["and the next", "next"]


@pytest.mark.parametrize("first", ["handle", "session"])
async def test_a_turn_cancelled_while_it_waits_for_the_write_lock_leaves_no_lock_behind(
    sqlite_db: Database, mocker: MockerFixture, tmp_path: Path, first: str
) -> None:
    """Its BEGIN waits in the connection's thread for another process (the scheduler's)
    to let go; cancelled meanwhile, that BEGIN still goes ahead in the thread, later."""
    mocker.patch("storage.sqlite_driver.BUSY", 2)
    other = sqlite3.connect(tmp_path / "engine.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # the other process writes

    async def turn() -> None:
        async with UnitOfWork(sqlite_db, quick=True) as uow:
            if first == "session":
                uow.session.add(ProcessedEventRow(key="cancelled", processed_at=AT))
                await uow.session.flush()
            else:
                await claim_event(uow, "cancelled")
            await uow.commit()

    waiting = asyncio.create_task(turn())
    await asyncio.sleep(0.3)  # it is waiting for the lock
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):  # cancelled, as asyncio.timeout expects
        await waiting
    other.execute("ROLLBACK")  # the other process is done
    await asyncio.sleep(0.3)  # the thread's BEGIN has gone ahead by now
    again = sqlite3.connect(tmp_path / "engine.db", isolation_level=None, timeout=1)
    again.execute("BEGIN IMMEDIATE")  # nobody holds the write lock
    again.execute("ROLLBACK")
    async with asyncio.timeout(5), UnitOfWork(sqlite_db, quick=True) as uow:
        assert await claim_event(uow, "next")
        await uow.commit()
    assert await _keys(sqlite_db) == ["next"]
    other.close()
    again.close()
