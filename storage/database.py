"""Database set-up: async engine, SQLite pragmas, Alembic migrations, reachability."""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, event, inspect, text
from sqlalchemy import exc as sql_errors
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.kept_connection import KeptConnection
from storage.sqlite_driver import OneHopConnection, one_hop_dbapi

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
if TYPE_CHECKING:
    from alembic.config import Config


def utc_now() -> datetime:
    """Aware UTC: every datetime column stores UTC (sqlmodel's UTCDateTime)."""
    return datetime.now(UTC)


class StorageUnavailable(Exception):
    """The database is unreachable or too busy: nothing was written, try again later."""


def is_unavailable(error: BaseException) -> bool:
    """Whether an error means "the database is away" rather than a bug: a lost or refused
    connection, a locked SQLite file, an exhausted pool."""
    if isinstance(error, StorageUnavailable):
        return True
    if isinstance(error, sql_errors.DBAPIError) and error.connection_invalidated:
        return True
    return isinstance(
        error,
        sql_errors.OperationalError
        | sql_errors.InterfaceError
        | sql_errors.TimeoutError
        | ConnectionError
        | TimeoutError,
    )


def async_url(url: str) -> str:
    """Accept the plain URLs admins write and pick the async driver for them."""
    parsed = make_url(url)
    driver = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg"}.get(
        parsed.drivername, parsed.drivername
    )
    if parsed.drivername == "postgres":
        driver = "postgresql+asyncpg"
    return parsed.set(drivername=driver).render_as_string(hide_password=False)


READ = "extramile_read"  # an execution option: this connection's transactions only read
# An execution option: short transactions whose SQLite statements run on the event loop
# (storage.sqlite_driver): a turn, the inbox, the outbox's claims and marks.
INLINE = "extramile_inline"


@dataclass(frozen=True, slots=True)
class Database:
    """`sessions` write (on SQLite: BEGIN IMMEDIATE, one writer at a time, in arrival
    order, through `writer`); `readers` only read (a deferred BEGIN: no write lock)."""

    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    readers: async_sessionmaker[AsyncSession]
    quick: async_sessionmaker[AsyncSession]  # writers that are short (INLINE)
    # On SQLite the writers of this process queue here, first come first served, rather
    # than in SQLite's busy handler (which sleeps, and lets no one in while it does).
    writer: asyncio.Lock | None = field(default=None)
    # SQLite: the one connection (INLINE) quick writers use, in turn (storage.uow).
    kept: KeptConnection | None = field(default=None)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    async def reachable(self) -> bool:
        try:
            async with self.engine.execution_options(**{READ: True}).connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception:
            return False
        return True

    async def upgrade(self) -> None:
        """Apply every Alembic migration not yet applied. Alembic (about 10 MB) is
        loaded only when one is due: a database at the newest revision is told by one
        query and the migration files' names."""
        async with self.engine.begin() as connection:
            if await connection.run_sync(at_newest):
                return
            await connection.run_sync(_upgrade_sync)

    async def close(self) -> None:
        if self.kept is not None:
            await self.kept.close()
        await self.engine.dispose()


class DatabaseNotWritable(Exception):
    """The database file (or its folder) cannot be written: said in one line at start."""


def check_writable(url: str) -> None:
    """Refuse a SQLite file the process cannot write, before anything waits on it.

    SQLite also writes beside the file (the WAL and its index), so the folder must be
    writable too. Without this check a read-only file shows up 30 s later (the busy
    timeout) as a long traceback from the first migration.
    """
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite") or parsed.database in (None, "", ":memory:"):
        return
    path = Path(parsed.database or "").resolve()
    folder = path.parent
    if path.is_dir():
        raise DatabaseNotWritable(f"{path} is a directory, not a database file")
    if not folder.is_dir():
        raise DatabaseNotWritable(f"the folder {folder} for the database does not exist")
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        raise DatabaseNotWritable(f"the database file {path} is read-only for this user")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise DatabaseNotWritable(
            f"the folder {folder} is read-only for this user; SQLite writes its journal "
            f"beside {path.name}"
        )


def is_unwritable(error: BaseException) -> bool:
    """SQLite's own words for a file it cannot open or write (what check_writable misses)."""
    text = str(getattr(error, "orig", None) or error).lower()
    return isinstance(error, sql_errors.OperationalError) and (
        "readonly database" in text or "unable to open database" in text
    )


def open_database(url: str, *, echo: bool = False) -> Database:
    check_writable(url)
    options: dict[str, Any] = {"echo": echo}
    full_url = async_url(url)
    if full_url.startswith("sqlite"):
        # The thread's busy wait is set per call (storage.sqlite_driver); the loop's is 0.
        options["connect_args"] = {"timeout": 0, "check_same_thread": False}
        options["module"] = one_hop_dbapi()  # one thread hop per statement
        # A unit of work rolls back what it did not commit as it closes: the pool need
        # not roll back again (a hop per transaction).
        options["pool_reset_on_return"] = None
    else:
        options["pool_pre_ping"] = True
    engine = create_async_engine(full_url, **options)
    event.listen(engine.sync_engine, "before_cursor_execute", _note_writes)
    if engine.dialect.name == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(engine.sync_engine, "begin", _sqlite_begin)
    sessions = async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)
    readers = async_sessionmaker(
        engine.execution_options(**{READ: True}), class_=AsyncSession, expire_on_commit=False
    )
    inline = engine.execution_options(**{INLINE: True})
    quick = async_sessionmaker(inline, class_=AsyncSession, expire_on_commit=False)
    sqlite = engine.dialect.name == "sqlite"
    return Database(
        engine=engine,
        sessions=sessions,
        readers=readers,
        quick=quick,
        writer=asyncio.Lock() if sqlite else None,
        kept=KeptConnection(inline) if sqlite else None,
    )


# Statements that may change rows; anything else (SELECT) only reads. A WITH may be
# either: counted as a write, the safe way round.
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "WITH")
WROTE = "extramile_wrote"  # in a connection's info: a write since it was last reset


def _note_writes(connection: Connection, _cursor: Any, statement: str, *_: Any) -> None:
    if statement.lstrip()[:7].upper().startswith(_WRITES):
        connection.info[WROTE] = True


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # The sqlite3 module's own transaction handling breaks SAVEPOINT (a released
    # savepoint would commit); SQLAlchemy's documented recipe: take control of BEGIN.
    dbapi_connection.isolation_level = None
    # WAL lets the web process and the scheduler read while one of them writes.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=0")  # storage.sqlite_driver waits, off the loop
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    # A writer's IMMEDIATE takes the write lock up front, so two turns that read then
    # write wait for each other instead of failing on a lock upgrade. A reader's
    # transaction is deferred: it reads a snapshot (WAL) and never takes the lock.
    options = connection.get_execution_options()
    begin = "BEGIN" if options.get(READ) else "BEGIN IMMEDIATE"
    adapted = connection.connection.dbapi_connection
    if isinstance(adapted, OneHopConnection):
        # Said with the first statement, in the same hop; not at all if a quick unit of
        # work began the transaction on the sqlite3 handle already (storage.uow).
        inline = bool(options.get(INLINE))
        adapted.begin_with = None if inline and adapted.raw.in_transaction else begin
        adapted.inline = inline
    else:
        connection.exec_driver_sql(begin)


def newest_revision() -> str:
    """The newest migration's revision: each file is named after its revision
    ("0013_witness_and_assessment.py" is "0013"), and they run in that order."""
    return max(p.name.split("_", 1)[0] for p in (MIGRATIONS / "versions").glob("[0-9]*_*.py"))


def at_newest(connection: Connection) -> bool:
    """Whether the database's schema is at the newest migration (False for a new one)."""
    if not inspect(connection).has_table("alembic_version"):
        return False  # a new database
    stored = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    return bool(stored == newest_revision())


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def _upgrade_sync(connection: Connection) -> None:
    from alembic import command

    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, "head")
