"""The hot statements, prepared once: every turn claims its event, reads its person's
conversation state, queues its answer and deletes its inbox row.

On SQLite, in a quick unit of work (storage.uow), a prepared statement runs straight on
the connection's sqlite3 handle, in the turn's transaction. SQLAlchemy's execution of an
already compiled statement (cache lookup, execution context, result proxy, a greenlet
switch each way) costs about 0.15 ms of CPU, ten times the SQL: a help turn of four
statements took 1.1 ms through the session and 0.36 ms this way (measured in process).
Its text, parameter order and type conversions are SQLAlchemy's own, compiled once for
the SQLite dialect, so a row written here reads back through the ORM unchanged.

Elsewhere (PostgreSQL, whose cost is the round trip; a unit of work that is not
quick) the same statement goes through the session as before.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import CursorResult
from sqlalchemy.dialects.sqlite.aiosqlite import SQLiteDialect_aiosqlite
from sqlalchemy.sql.expression import ClauseElement, Executable

from storage.sqlite_driver import as_sqlalchemy_errors
from storage.uow import UnitOfWork

_SQLITE = SQLiteDialect_aiosqlite()
Convert = Callable[[Any], Any]
_GIVEN = object()  # a parameter given at each run


@dataclass(frozen=True, slots=True)
class Outcome:
    rows: list[tuple[Any, ...]]  # SELECT or RETURNING: values as the ORM would read them
    rowcount: int

    def first(self) -> tuple[Any, ...] | None:
        return self.rows[0] if self.rows else None


@dataclass(frozen=True, slots=True)
class Prepared:
    statement: Executable  # for the session (SQLite)
    postgresql: Executable  # for the session on PostgreSQL (often the same statement)
    sql: str  # SQLite's text, positional
    names: tuple[str, ...]  # the parameters in their places
    fixed: tuple[Any, ...]  # a value the statement holds itself (an OFFSET 0), else _GIVEN
    binds: tuple[Convert | None, ...]
    results: tuple[Convert | None, ...]  # per column returned
    writes: bool

    def for_session(self, dialect: str) -> Executable:
        """The statement to give the session on `dialect`."""
        return self.postgresql if dialect == "postgresql" else self.statement


def prepare(statement: Executable, *, postgresql: Executable | None = None) -> Prepared:
    """Compile `statement` for SQLite once (`postgresql`: its PostgreSQL form, if the
    two differ). Its parameters are named bindparams given at each run, or constants
    (no IN lists)."""
    compiled: Any = cast(ClauseElement, statement).compile(dialect=_SQLITE)
    names = tuple(compiled.positiontup or ())
    binds, fixed = [], []
    for name in names:
        bind = compiled.binds[name]
        if bind.expanding or bind.callable is not None:
            raise ValueError(f"{name}: a prepared statement cannot hold an IN list")
        binds.append(bind.type.dialect_impl(_SQLITE).bind_processor(_SQLITE))
        fixed.append(_GIVEN if bind.required else bind.value)
    # (key, name, objects, type) for each column a SELECT or RETURNING gives back
    types = [entry[3] for entry in compiled._result_columns]
    results = tuple(kind.dialect_impl(_SQLITE).result_processor(_SQLITE, None) for kind in types)
    return Prepared(
        statement=statement,
        postgresql=statement if postgresql is None else postgresql,
        sql=compiled.string,
        names=names,
        fixed=tuple(fixed),
        binds=tuple(binds),
        results=results,
        writes=bool(compiled.isinsert or compiled.isupdate or compiled.isdelete),
    )


async def run(uow: UnitOfWork, prepared: Prepared, params: Mapping[str, Any]) -> Outcome:
    """`prepared` with `params` in the unit of work's transaction."""
    handle = await uow.sqlite_handle()
    if handle is None:
        statement = prepared.for_session(uow.dialect)
        result = await uow.session.exec(statement, params=params)  # type: ignore[call-overload]
        rows = [tuple(row) for row in result.all()] if result.returns_rows else []
        return Outcome(rows, cast(CursorResult[Any], result).rowcount)
    values = _values(prepared, params)
    with as_sqlalchemy_errors(prepared.sql, values):
        cursor = handle.execute(prepared.sql, values)
        raw = cursor.fetchall() if cursor.description else []
    if prepared.writes:
        uow.note_write()
    return Outcome(_converted(raw, prepared.results), cursor.rowcount)


async def run_many(uow: UnitOfWork, prepared: Prepared, many: Sequence[Mapping[str, Any]]) -> None:
    """`prepared` once for each of `many` (a write: executemany, one round trip)."""
    if not many:
        return
    handle = await uow.sqlite_handle()
    if handle is None:
        statement = prepared.for_session(uow.dialect)
        await uow.session.exec(statement, params=many)  # type: ignore[call-overload]
        return
    values = [_values(prepared, params) for params in many]
    with as_sqlalchemy_errors(prepared.sql, values):
        handle.executemany(prepared.sql, values)
    uow.note_write()


def _values(prepared: Prepared, params: Mapping[str, Any]) -> list[Any]:
    return [
        _value(params, name, fixed, convert)
        for name, fixed, convert in zip(prepared.names, prepared.fixed, prepared.binds, strict=True)
    ]


def _value(params: Mapping[str, Any], name: str, fixed: Any, convert: Convert | None) -> Any:
    value = params[name] if fixed is _GIVEN else fixed
    return value if convert is None else convert(value)


def _converted(
    rows: Sequence[tuple[Any, ...]], results: tuple[Convert | None, ...]
) -> list[tuple[Any, ...]]:
    if not any(results):
        return list(rows)
    return [
        tuple(
            value if convert is None else convert(value)
            for value, convert in zip(row, results, strict=True)
        )
        for row in rows
    ]


__all__ = ["Outcome", "Prepared", "prepare", "run", "run_many"]
