"""How many actions each practice has, kept as a counter (issue 18: no request may cost
more as the year's actions grow), and the per-practice "latest actions" reads the
ranking uses, each a `LIMIT`ed walk of the (practice_id, id) index
(storage.latest_actions).

The counter is changed in the same transaction as the actions it counts, wherever an
action joins or leaves a practice (storage.practices.assign_practice / pick_practice,
storage.practice_edits.merge_practices / split_action); erasure re-keys actions to a
pseudonym and leaves them where they are. Migration 0014 backfilled it; `recount` does
the same for rows inserted in bulk (the bench's generated year).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import SQLModel, select

from storage.latest_actions import latest_actions
from storage.tables import PracticeRow
from storage.uow import UnitOfWork

practice_size_table = sa.Table(
    "practice_size",
    SQLModel.metadata,
    sa.Column("practice_id", sa.Integer, sa.ForeignKey("practice.id"), primary_key=True),
    sa.Column("actions", sa.Integer, nullable=False, server_default="0"),
)
_s = practice_size_table.c
_p = PracticeRow.__table__.c  # type: ignore[attr-defined]


def _count_in(insert: Any) -> Any:
    statement = insert(practice_size_table).values(
        practice_id=sa.bindparam("practice"), actions=sa.bindparam("change")
    )
    return statement.on_conflict_do_update(
        index_elements=[_s.practice_id], set_={"actions": _s.actions + statement.excluded.actions}
    )


# Built once: only their values change (issue 18: a save must not pay for building them).
_COUNT_IN = {"postgresql": _count_in(postgresql.insert), "sqlite": _count_in(sqlite.insert)}
_SIZE_OF = select(_s.actions).where(_s.practice_id == sa.bindparam("practice"))
_EMPTIED = (
    sa.update(practice_size_table)
    .where(_s.practice_id == sa.bindparam("practice"))
    .values(actions=0)
)
_WITH_SIZE = (
    select(_p.id, _p.title, sa.func.coalesce(_s.actions, 0))
    .select_from(PracticeRow.__table__.outerjoin(practice_size_table, _s.practice_id == _p.id))  # type: ignore[attr-defined]
    .where(_p.merged_into.is_(None))
    .order_by(_p.id)
)


async def count_in(uow: UnitOfWork, practice_id: int, change: int) -> None:
    """`change` actions joined (or, negative, left) the practice."""
    await uow.session.exec(
        _COUNT_IN[uow.dialect], params={"practice": practice_id, "change": change}
    )


async def move_count(uow: UnitOfWork, source: int, target: int) -> None:
    """All of `source`'s actions joined `target` (a merge)."""
    found = await uow.session.exec(_SIZE_OF, params={"practice": source})
    moved = int(found.first() or 0)
    if moved:
        await uow.session.exec(_EMPTIED, params={"practice": source})
        await count_in(uow, target, moved)


def with_size() -> Any:
    """Each practice not merged away: (id, title, how many actions), by id."""
    return _WITH_SIZE


def _latest_words(dialect: str) -> Any:
    practice = PracticeRow.__table__  # type: ignore[attr-defined]
    latest, on = latest_actions(dialect, columns=("id", "extra"))
    return (
        select(_p.id, latest.c.extra)
        .select_from(practice.join(latest, on))
        .where(_p.merged_into.is_(None))
        .order_by(_p.id, latest.c.id.desc())
    )


_LATEST_WORDS = {dialect: _latest_words(dialect) for dialect in ("postgresql", "sqlite")}


async def latest_words(uow: UnitOfWork, limit: int) -> dict[int, list[str]]:
    """Per practice not merged away, its latest `limit` actions' words, newest first: one
    statement, each practice's a `LIMIT`ed index read."""
    if limit <= 0:
        return {}
    rows = await uow.session.exec(_LATEST_WORDS[uow.dialect], params={"latest": limit})
    found: dict[int, list[str]] = {}
    for practice_id, extra in rows.all():
        found.setdefault(int(practice_id), []).append(extra)
    return found


RECOUNT = (
    "INSERT INTO practice_size (practice_id, actions) "
    "SELECT practice.id, count(extra_mile_action.id) FROM practice "
    "LEFT JOIN extra_mile_action ON extra_mile_action.practice_id = practice.id "
    "GROUP BY practice.id"
)


async def recount(connection: AsyncConnection) -> None:
    """Every counter worked out afresh from the actions (after a bulk insert)."""
    await connection.execute(sa.delete(practice_size_table))
    await connection.execute(sa.text(RECOUNT))
