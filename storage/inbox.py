"""The inbox table (bot.intake): requests written before they are acknowledged.

`put` is a group commit: while one batch's transaction is being written, the requests
that arrive meanwhile wait, and all of them go in the next one (one commit per batch,
whatever the load). Rows are claimed with a lease (`leased_until`); on PostgreSQL
`FOR UPDATE SKIP LOCKED`, so any number of workers share the table, each row to one.
A row is deleted in the transaction of the turn it started (`done`, from the engine).
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import SQLModel
from sqlmodel.sql.sqltypes import UTCDateTime

from bot.domain.arrivals import Arrival, Received
from storage.database import Database, utc_now
from storage.prepared import prepare, run
from storage.uow import UnitOfWork

LEASE = timedelta(seconds=60)  # a worker that died: its rows are taken up after this
BATCH = 500  # rows per group commit at most (SQLite binds at most 32,766 values)

inbox_table = sa.Table(
    "inbox",
    SQLModel.metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("key", sa.String(200), nullable=False, unique=True),
    sa.Column("platform", sa.String(20), nullable=False),
    sa.Column("lane", sa.String(200), nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("meta", sa.JSON, nullable=False),
    sa.Column("received_at", UTCDateTime, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("leased_until", UTCDateTime, nullable=True),
)
_c = inbox_table.c


# Built once: only their values change.
_ROW = ("key", "platform", "lane", "body", "meta", "received_at", "attempts", "leased_until")
_PUT = {
    dialect: insert(inbox_table)
    .values({name: sa.bindparam(name) for name in _ROW})
    .on_conflict_do_nothing(index_elements=["key"])
    .returning(_c.key)
    for dialect, insert in (("postgresql", postgresql_insert), ("sqlite", sqlite_insert))
}
_PUT_ONE = prepare(_PUT["sqlite"], postgresql=_PUT["postgresql"])
_PUT_MANY = {
    dialect: insert(inbox_table).on_conflict_do_nothing(index_elements=["key"]).returning(_c.key)
    for dialect, insert in (("postgresql", postgresql_insert), ("sqlite", sqlite_insert))
}


def _claim(dialect: str) -> sa.Update:
    """The oldest `limit` rows nobody holds, leased `until` (built once per dialect)."""
    now = sa.bindparam("now", type_=_c.leased_until.type)
    free = sa.or_(_c.leased_until.is_(None), _c.leased_until < now)
    chosen = (
        sa.select(_c.id).where(free).order_by(_c.id).limit(sa.bindparam("limit", type_=sa.Integer))
    )
    if dialect == "postgresql":
        chosen = chosen.with_for_update(skip_locked=True)
    return (
        sa.update(inbox_table)
        .where(_c.id.in_(chosen.scalar_subquery()))
        .values(leased_until=sa.bindparam("until", type_=_c.leased_until.type))
        .returning(_c.id, _c.attempts, _c.platform, _c.key, _c.lane, _c.body, _c.meta)
    )


_CLAIM = prepare(_claim("sqlite"), postgresql=_claim("postgresql"))
_DONE = prepare(sa.delete(inbox_table).where(_c.id == sa.bindparam("row_id")))


async def done(uow: UnitOfWork, row_id: int) -> None:
    """Delete the row in the caller's transaction (the turn it started)."""
    await run(uow, _DONE, {"row_id": row_id})


class SqlInbox:
    """bot.intake.Inbox on the database."""

    def __init__(self, database: Database, *, lease: timedelta = LEASE) -> None:
        self._database = database
        self._lease = lease
        self._batch: list[tuple[dict[str, Any], asyncio.Future[bool]]] = []
        self._writing: asyncio.Task[None] | None = None

    async def put(self, arrival: Arrival) -> bool:
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._batch.append((_row(arrival), future))
        if self._writing is None or self._writing.done():
            self._writing = asyncio.ensure_future(self._write_batches())
        return await asyncio.shield(future)

    async def _write_batches(self) -> None:
        """One transaction for everything that arrived while the last one was written."""
        while self._batch:
            batch, self._batch = self._batch[:BATCH], self._batch[BATCH:]
            try:
                written = await self._insert([row for row, _ in batch])
            except Exception as error:
                for _, future in batch:
                    if not future.done():
                        future.set_exception(error)
            else:
                for row, future in batch:
                    if not future.done():
                        future.set_result(row["key"] in written)
                        written.discard(row["key"])  # the same key twice in a batch

    async def _insert(self, rows: list[dict[str, Any]]) -> set[str]:
        """INSERT ... ON CONFLICT DO NOTHING RETURNING key for the batch, in one
        transaction: the keys written. On SQLite one prepared statement a row on the
        transaction's own connection; elsewhere one multi-row statement (SQLAlchemy's
        insertmanyvalues), not a round trip a row."""
        written = set[str]()
        async with UnitOfWork(self._database, quick=True) as uow:
            if await uow.sqlite_handle() is None:
                connection = await uow.session.connection()
                result = await connection.execute(_PUT_MANY[self._database.dialect], rows)
                written.update(result.scalars())
            else:
                for row in rows:
                    written.update(key for (key,) in (await run(uow, _PUT_ONE, row)).rows)
            await uow.commit()
        return written

    async def claim(self, limit: int) -> list[Received]:
        now = utc_now()
        params = {"now": now, "until": now + self._lease, "limit": limit}
        async with UnitOfWork(self._database, quick=True) as uow:
            rows = (await run(uow, _CLAIM, params)).rows
            await uow.commit()
        return [
            Received(row_id, attempts, Arrival(platform, key, lane, body, meta))
            for row_id, attempts, platform, key, lane, body, meta in sorted(rows)
        ]

    async def finish(self, row_id: int) -> None:
        async with UnitOfWork(self._database, quick=True) as uow:
            await done(uow, row_id)
            await uow.commit()

    async def again_later(self, row_id: int, seconds: float) -> None:
        statement = (
            sa.update(inbox_table)
            .where(_c.id == row_id)
            .values(
                attempts=_c.attempts + 1,
                leased_until=utc_now() + timedelta(seconds=seconds),
            )
        )
        async with UnitOfWork(self._database, quick=True) as uow:
            await uow.session.exec(statement)
            await uow.commit()

    async def waiting(self) -> int:
        async with UnitOfWork(self._database, read_only=True) as uow:
            connection = await uow.session.connection()
            count = await connection.scalar(sa.select(sa.func.count()).select_from(inbox_table))
        return int(count or 0)

    async def release_all_if_alone(self) -> None:
        """At start, when this is the only process taking rows (SQLite: one server):
        whatever a dead process had claimed is free again now, not when its lease ends.
        On PostgreSQL other workers may hold rows: theirs wait for their lease."""
        if self._database.dialect != "sqlite":
            return
        async with UnitOfWork(self._database, quick=True) as uow:
            await uow.session.exec(sa.update(inbox_table).values(leased_until=None))
            await uow.commit()


def _row(arrival: Arrival) -> dict[str, Any]:
    return {
        "key": arrival.key[:200],
        "platform": arrival.platform,
        "lane": arrival.lane[:200],
        "body": arrival.body,
        "meta": dict(arrival.meta),
        "received_at": utc_now(),
        "attempts": 0,
        "leased_until": None,
    }
