"""SQLite for the async engine with one thread hop per statement, or none.

aiosqlite runs each sqlite3 call in its connection's thread, and SQLAlchemy's adapter
makes four calls per statement (cursor, execute, fetchall, close): four hops between
the event loop and that thread, each a queue put, a wake-up of the loop and a greenlet
switch. A turn of six statements paid 21 hops, which cost more CPU than the SQL itself.
Here a statement is one hop: the cursor is made, executed, read and closed in the
connection's thread, and the loop gets the rows. The sqlite3 work still happens off the
event loop (a busy wait, a checkpoint's fsync never block it). Used for every SQLite
URL by storage.database (`module=`), with SQLAlchemy's own aiosqlite dialect.

A transaction begun `inline` (storage.database: the short, hot ones: a turn, the
inbox, the outbox's claims) skips even that hop: its statements run on the event loop,
where they take tens of microseconds, and the loop never waits for a thread. Writers of
this process take turns (storage.uow), so only another process can hold SQLite's write
lock: the connection's busy timeout is 0 and a BEGIN that finds the lock taken is sent
to the connection's thread to wait there, off the loop.
"""

from __future__ import annotations

import collections
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

import aiosqlite
from sqlalchemy.connectors.asyncio import AsyncAdapt_dbapi_cursor
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.exc import DBAPIError

T = TypeVar("T")
BUSY = 30  # seconds a transaction waits for another process's write lock


class _Outcome:
    """What a statement left behind: the cursor attributes SQLAlchemy reads."""

    __slots__ = ("arraysize", "description", "lastrowid", "rowcount")

    def __init__(
        self, description: Any = None, rowcount: int = -1, lastrowid: int | None = None
    ) -> None:
        self.description = description
        self.rowcount = rowcount
        self.lastrowid = lastrowid
        self.arraysize = 1

    def close(self) -> None:
        return None


def _patiently(work: Callable[..., T], raw: sqlite3.Connection, *args: Any) -> T:
    """In the connection's thread: `work(raw, *args)`, waiting up to BUSY seconds for
    another process's write lock."""
    raw.execute(f"PRAGMA busy_timeout={BUSY * 1000}")
    try:
        return work(raw, *args)
    finally:
        raw.execute("PRAGMA busy_timeout=0")


@contextmanager
def as_sqlalchemy_errors(statement: str, parameters: Any) -> Iterator[None]:
    """sqlite3's errors from work done on the raw connection (storage.prepared), raised
    as SQLAlchemy would raise them: callers tell "the database is away" by the type."""
    try:
        yield
    except sqlite3.Error as error:
        raise DBAPIError.instance(statement, parameters, error, sqlite3.Error) from error


def _busy(error: Exception) -> bool:
    return isinstance(error, sqlite3.OperationalError) and "locked" in str(error)


def _run(
    raw: sqlite3.Connection, begin: str | None, operation: str, parameters: Any, many: bool
) -> tuple[_Outcome, list[Any]]:
    """In the connection's thread: the transaction's BEGIN if it is still to be said,
    then the whole statement, rows included."""
    if begin is not None:
        raw.execute(begin)
    cursor = raw.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        elif parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        description = cursor.description
        rows = cursor.fetchall() if description else []
        return _Outcome(description, cursor.rowcount, cursor.lastrowid), rows
    finally:
        cursor.close()


class OneHopCursor(AsyncAdapt_dbapi_cursor):
    __slots__ = ()
    _awaitable_cursor_close = False

    def _make_new_cursor(self, connection: Any) -> Any:
        return _Outcome()  # no round trip: the real cursor lives inside each statement

    def _aenter_cursor(self, cursor: Any) -> Any:
        return cursor

    async def _execute_async(self, operation: Any, parameters: Any) -> Any:
        await self._hop(operation, parameters, many=False)

    async def _executemany_async(self, operation: Any, seq_of_parameters: Any) -> Any:
        await self._hop(operation, seq_of_parameters, many=True)

    async def _hop(self, operation: Any, parameters: Any, *, many: bool) -> None:
        connection: aiosqlite.Connection = self._connection  # type: ignore[assignment]
        adapted: OneHopConnection = self._adapt_connection  # type: ignore[assignment]
        async with adapted._execute_mutex:
            begin, adapted.begin_with = adapted.begin_with, None
            call = (connection._conn, begin, operation, parameters, many)
            hop: Any = connection._execute  # in the connection's thread
            if adapted.inline:
                try:
                    outcome, rows = _run(*call)
                except sqlite3.OperationalError as error:
                    if begin is None or not _busy(error):
                        raise
                    # Another process writes: wait for it in the thread, not on the loop.
                    outcome, rows = await hop(_patiently, _run, *call)
            else:
                outcome, rows = await hop(_patiently, _run, *call)
        self._cursor = outcome  # type: ignore[assignment]
        self._rows = collections.deque(rows)

    def nextset(self) -> None:
        return None


class OneHopConnection(AsyncAdapt_aiosqlite_connection):
    """`begin_with`: a BEGIN to say in the same hop as the transaction's first statement
    (storage.database sets it when SQLAlchemy begins), not in a hop of its own."""

    __slots__ = ("begin_with", "inline")
    _cursor_cls = OneHopCursor  # type: ignore[assignment]

    def __init__(self, dbapi: Any, connection: Any) -> None:
        super().__init__(dbapi, connection)
        self.begin_with: str | None = None
        self.inline = False  # this transaction's statements run on the event loop

    @property
    def raw(self) -> sqlite3.Connection:
        """The sqlite3 connection itself."""
        raw: sqlite3.Connection = self._connection._conn
        return raw

    async def begun(self, begin: str | None = None) -> sqlite3.Connection:
        """The sqlite3 connection, its transaction's BEGIN said (storage.prepared runs
        statements on it directly, on the event loop): the BEGIN SQLAlchemy left to say,
        or `begin`, a transaction begun here rather than by SQLAlchemy (storage.uow)."""
        raw = self.raw
        if begin is not None:
            self.inline = True
        else:
            begin, self.begin_with = self.begin_with, None
        if begin is not None:
            try:
                raw.execute(begin)
            except sqlite3.OperationalError as error:
                if not _busy(error):
                    raise
                # Another process writes: wait for it in the thread, not on the loop.
                await self._connection._execute(_patiently, sqlite3.Connection.execute, raw, begin)
        return raw

    def commit(self) -> None:
        self._end("commit")

    def rollback(self) -> None:
        self._end("rollback")

    def _end(self, how: str) -> None:
        if self.begin_with is not None:  # nothing was said: nothing to end
            self.begin_with = None
            self.inline = False
            return
        if not self.inline:
            super().commit() if how == "commit" else super().rollback()
            return
        try:
            self.raw.commit() if how == "commit" else self.raw.rollback()
        except Exception as error:
            # Still inline: a COMMIT that failed may leave SQLite's transaction open,
            # and its rollback must be said here too (not through the thread, from
            # outside SQLAlchemy's greenlet).
            self._handle_exception(error)
        self.inline = False


class OneHopDBAPI(AsyncAdapt_aiosqlite_dbapi):
    def connect(self, *arg: Any, **kw: Any) -> OneHopConnection:
        adapted = super().connect(*arg, **kw)
        return OneHopConnection(self, adapted._connection)


def one_hop_dbapi() -> OneHopDBAPI:
    return OneHopDBAPI(aiosqlite, sqlite3)


__all__: Sequence[str] = ("one_hop_dbapi",)
