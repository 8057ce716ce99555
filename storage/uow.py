"""A unit of work: one transaction that commits explicitly and rolls back by default."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from types import TracebackType
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.database import WROTE, Database
from storage.sqlite_driver import OneHopConnection, as_sqlalchemy_errors

log = logging.getLogger(__name__)

# The SQLite writer lock this task already holds (a unit of work inside another one's
# block must not wait for itself).
_HELD: ContextVar[asyncio.Lock | None] = ContextVar("extramile_writer_held", default=None)


class UnitOfWork:
    """`async with UnitOfWork(db) as uow: ...; await uow.commit()`.

    Leaving the block without `commit()` (or by an exception) rolls everything back,
    so a failed request never half-writes. `read_only=True` for a unit of work that only
    reads: on SQLite its transaction is deferred and takes no write lock; a writer waits
    for the ones before it, in order (storage.database). `quick=True` for a short
    writer (a turn, the inbox, the outbox's own statements): on SQLite its statements
    run on the event loop, without a thread hop (storage.sqlite_driver), and it makes an
    ORM session only if something asks for one: prepared statements (storage.prepared)
    run on its connection's sqlite3 handle, and a turn that needs nothing else (help, a
    step of a form) costs no session at all.
    """

    def __init__(self, database: Database, *, read_only: bool = False, quick: bool = False) -> None:
        self._database = database
        self._read_only = read_only
        self._quick = quick
        self._entered = False
        self._session: AsyncSession | None = None
        self._lock: asyncio.Lock | None = None
        # Quick on SQLite: the transaction runs on the kept connection, begun when needed.
        self._lean = quick and not read_only and database.kept is not None
        self._connection: AsyncConnection | None = None
        self._own_connection = False  # not the kept one: closed at the end
        # A BEGIN sent to the connection's thread to wait for another process's lock,
        # and not seen to finish (cancelled): it may still go ahead, later.
        self._waiting_begin = False
        # The transaction's sqlite3 handle and its connection's info, until it ends.
        self._handle: tuple[sqlite3.Connection, dict[Any, Any]] | None = None

    @property
    def session(self) -> AsyncSession:
        if not self._entered:
            raise RuntimeError("UnitOfWork used outside `async with`")
        if self._session is None:
            # Only a lean unit of work makes its session late, on its connection: in the
            # transaction already begun there, if one was (its end is then left to us).
            assert self._connection is not None
            self._session = AsyncSession(bind=self._connection, expire_on_commit=False)
        return self._session

    async def __aenter__(self) -> UnitOfWork:
        database = self._database
        self._entered = True
        if self._read_only:
            self._session = database.readers()
            return self
        lock = database.writer
        if lock is not None and _HELD.get() is not lock:
            await lock.acquire()
            self._lock = lock
            self._token = _HELD.set(lock)
        try:
            if self._lean:
                assert database.kept is not None
                self._connection, self._own_connection = await database.kept.take()
                await _fresh(self._connection)
            else:
                self._session = database.quick() if self._quick else database.sessions()
        except BaseException:
            # No __aexit__ follows a failed __aenter__: give back what was taken here.
            connection, self._connection = self._connection, None
            try:
                if connection is not None:
                    await self._let_go(connection, sound=False)
            finally:
                self._release_lock()
            raise
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        # close() rolls back whatever was not committed, and (unlike rollback())
        # leaves loaded objects readable.
        session, connection = self._session, self._connection
        self._session, self._connection, self._handle = None, None, None
        self._entered = False
        try:
            try:
                if session is not None:
                    await session.close()
            finally:
                if connection is not None:
                    await self._leave(connection)
        finally:
            self._release_lock()

    def _release_lock(self) -> None:
        self._entered = False
        if self._lock is not None:
            _HELD.reset(self._token)
            self._lock.release()
            self._lock = None

    async def _leave(self, connection: AsyncConnection) -> None:
        """What was not committed rolled back; the kept connection given back, any other
        closed. A connection whose state is not known (its rollback failed or it was
        invalidated, or a BEGIN of it was left waiting in its thread) is invalidated
        instead, which closes it once its thread is done and so releases any lock."""
        sound = False
        try:
            if not self._waiting_begin:
                await _end(connection, commit=False)
                sound = not connection.invalidated
        finally:
            await self._let_go(connection, sound=sound)

    async def _let_go(self, connection: AsyncConnection, *, sound: bool) -> None:
        kept = self._database.kept
        assert kept is not None
        if self._own_connection:
            await (connection.close() if sound else connection.invalidate())
            return
        try:
            if not sound:
                await kept.let_go()
        finally:
            kept.give_back()

    @property
    def dialect(self) -> str:
        """ "sqlite" or "postgresql": for the few statements written per dialect."""
        return self._database.engine.dialect.name

    async def commit(self) -> None:
        await self._finish(commit=True)

    async def rollback(self) -> None:
        await self._finish(commit=False)

    async def _finish(self, *, commit: bool) -> None:
        """The session's transaction, then the connection's, ended one way."""
        self._handle = None
        if self._session is not None:
            await (self._session.commit() if commit else self._session.rollback())
        if self._connection is not None:
            await _end(self._connection, commit=commit)

    async def sqlite_handle(self) -> sqlite3.Connection | None:
        """The transaction's own sqlite3 connection, begun, for a statement to run on the
        event loop (storage.prepared); None unless this is a quick unit of work on SQLite.
        What the session holds unflushed is flushed first, as its own execute would."""
        if not self._lean:
            return None
        await self._flush_pending()
        if self._handle is None:
            connection = self._connection
            assert connection is not None
            adapted = _adapted(connection)
            # Begun by SQLAlchemy (a session's statement came first), or here, on the
            # handle: SQLAlchemy's own BEGIN costs more than the statements that follow.
            begin = None if connection.in_transaction() else "BEGIN IMMEDIATE"
            self._waiting_begin = True
            with as_sqlalchemy_errors("BEGIN", None):
                handle = await adapted.begun(begin)
            self._waiting_begin = False
            self._handle = (handle, connection.info)
        return self._handle[0]

    async def _flush_pending(self) -> None:
        """What the session holds unflushed, written now (as its own execute would)."""
        session = self._session
        if session is not None and (session.new or session.dirty or session.deleted):
            await session.flush()

    async def _transaction(self) -> AsyncConnection:
        """The connection this unit of work's transaction runs on, the transaction begun:
        the session's, or a lean unit of work's own (the kept one, or the pool's)."""
        if not self._lean:
            return await self.session.connection()
        assert self._connection is not None
        if not self._connection.in_transaction():
            await self._connection.begin()  # joins one begun on the handle (storage.database)
        return self._connection

    def note_write(self) -> None:
        """A statement run on the handle may have changed rows (see `wrote`)."""
        if self._handle is not None:
            self._handle[1][WROTE] = True

    async def watch_writes(self) -> None:
        """From here on, `wrote()` tells whether a statement may have changed rows."""
        (await self._notes())[WROTE] = False

    async def wrote(self) -> bool:
        """A statement that may have changed rows ran since `watch_writes` (what the
        session holds unflushed is flushed first: it is a write too)."""
        await self._flush_pending()
        return bool((await self._notes()).get(WROTE))

    async def _notes(self) -> dict[Any, Any]:
        """The transaction's connection's notes (`WROTE`); a lean unit of work's without
        beginning anything."""
        if self._connection is not None:
            return self._connection.info
        return (await self._transaction()).info

    @asynccontextmanager
    async def released(self) -> AsyncIterator[None]:
        """Commit, and let other writers in while the block runs: slow work that needs
        no transaction (a job drawing its charts) must not keep every turn waiting. The
        writer lock is taken again after it; the next statement begins a new transaction."""
        await self.commit()
        lock = self._lock
        if lock is None:
            yield
            return
        held = _HELD.set(None)
        lock.release()
        try:
            yield
        finally:
            await lock.acquire()
            _HELD.reset(held)


def _adapted(connection: AsyncConnection) -> OneHopConnection:
    """The driver's connection under the kept connection (storage.sqlite_driver)."""
    adapted = connection.sync_connection.connection.dbapi_connection  # type: ignore[union-attr]
    assert isinstance(adapted, OneHopConnection)
    return adapted


async def _fresh(connection: AsyncConnection) -> None:
    """The kept connection as a new one would be: a transaction the unit of work before
    could not end (its end cancelled midway) is rolled back here, never joined."""
    if connection.in_transaction() or _adapted(connection).raw.in_transaction:
        log.warning("a transaction was left open on the writers' connection: rolled back")
        await _end(connection, commit=False)
        await _end(connection, commit=False)  # the handle's, if SQLAlchemy's was apart


async def _end(connection: AsyncConnection, *, commit: bool) -> None:
    """End the kept connection's transaction, however it was begun: through SQLAlchemy
    (a session or `_transaction`), or on the sqlite3 handle alone (`sqlite_handle`).
    An invalidated connection has none left (SQLAlchemy rolled it back and closed it)."""
    if connection.invalidated or connection.closed:
        return
    if connection.in_transaction():
        await (connection.commit() if commit else connection.rollback())
        return
    adapted = _adapted(connection)
    if adapted.raw.in_transaction:
        with as_sqlalchemy_errors("COMMIT" if commit else "ROLLBACK", None):
            adapted.commit() if commit else adapted.rollback()
