"""Deeds whose practice question is still to be queued (issue 17's question after a save).

The save marks its deed here, in its own transaction; the question's transaction (after
the answer, on a new turn) takes the mark away as its first statement, and queues the
question only if it was the one that took it. A process that dies between the two (a
deploy, kill -9) leaves the mark, and the recovery (bot.features.nominations.job) asks
the deeds still marked: whichever of the two takes the mark asks, never both (the delete
locks the row on PostgreSQL; SQLite has one writer at a time). Deeds saved before marks
were kept have none, so they are never asked again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from storage.tables import ActionRow
from storage.uow import UnitOfWork


class UnaskedRow(SQLModel, table=True):
    """A saved deed whose practice question is not queued yet (a few at any time: each
    goes seconds after its save)."""

    __tablename__ = "practice_question_due"
    __table_args__ = (Index("ix_practice_question_due_saved_at", "saved_at"),)

    action_id: int = Field(
        sa_column=sa.Column(
            sa.Integer,
            sa.ForeignKey("extra_mile_action.id", ondelete="CASCADE"),
            primary_key=True,
        )
    )
    saved_at: datetime  # moved on at each failed attempt (the next run tries others first)
    # The recovery's failed attempts at asking (job.ask_missed gives up after a few).
    attempts: int = Field(
        default=0, sa_column=sa.Column(sa.Integer, nullable=False, default=0, server_default="0")
    )


@dataclass(frozen=True, slots=True)
class Unasked:
    action_id: int
    person_id: str
    extra: str


_marks: Any = UnaskedRow.__table__  # type: ignore[attr-defined]
_actions: Any = ActionRow.__table__  # type: ignore[attr-defined]
_q, _a = _marks.c, _actions.c
# Built once: only their values change.
_TAKE: Any = sa.delete(_marks).where(_q.action_id == sa.bindparam("action"))
_POSTPONE: Any = (
    sa.update(_marks)
    .where(_q.action_id == sa.bindparam("action"))
    .values(saved_at=sa.bindparam("now"), attempts=_q.attempts + 1)
    .returning(_q.attempts)
)
_DEED: Any = sa.select(_a.person_id, _a.extra).where(_a.id == sa.bindparam("action"))
_DUE: Any = (
    sa.select(_q.action_id, _a.person_id, _a.extra)
    .select_from(_marks.join(_actions, _a.id == _q.action_id))
    .where(_q.saved_at < sa.bindparam("before"))
    .order_by(_q.saved_at, _q.action_id)
    .limit(sa.bindparam("most", type_=sa.Integer))
)


def mark_unasked(uow: UnitOfWork, action_id: int, now: datetime) -> None:
    """Mark a deed just saved, in the save's transaction (written with its commit)."""
    uow.session.add(UnaskedRow(action_id=action_id, saved_at=now))


async def take_unasked(uow: UnitOfWork, action_id: int) -> bool:
    """Take the deed's mark: True for the one transaction that took it (that one asks),
    False if it was taken already (asked, or being asked, elsewhere) or never made."""
    result = await uow.session.exec(_TAKE, params={"action": action_id})
    return int(result.rowcount or 0) == 1


async def unasked(uow: UnitOfWork, *, before: datetime, limit: int) -> list[Unasked]:
    """The oldest deeds still marked, saved before `before`: a LIMITed read of the mark's
    time index (the marks are only those not yet asked, never the year's actions)."""
    rows = await uow.session.exec(_DUE, params={"before": before, "most": limit})
    return [Unasked(int(a), str(p), e or "") for a, p, e in rows.all()]


async def postpone(uow: UnitOfWork, action_id: int, now: datetime) -> int | None:
    """A failed attempt at asking: the mark moves behind the others (saved `now`), so a
    deed that always fails never holds up the ones after it. Returns its attempts so far
    (None: the mark is gone, taken meanwhile)."""
    found = await uow.session.exec(_POSTPONE, params={"action": action_id, "now": now})
    attempts = found.scalar_one_or_none()
    return None if attempts is None else int(attempts)


async def deed_now(uow: UnitOfWork, action_id: int) -> tuple[str, str] | None:
    """The deed's owner and words as they are now, in this transaction (read from the
    table, not from the session's copies): None if it is gone."""
    row = (await uow.session.exec(_DEED, params={"action": action_id})).first()
    return None if row is None else (str(row[0]), row[1] or "")
