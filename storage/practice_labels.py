"""People's answers to "which practice is this?" after logging (issue 17): each pick of an
existing practice a positive label, each "It's something new" a negative, with the best
score the ranking gave; the threshold for showing practices as buttons is re-fitted from
them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Index
from sqlmodel import Field, SQLModel

import storage.tables  # noqa: F401  (the tables it refers to)
from storage.uow import UnitOfWork

LATEST = 200  # answers the threshold is fitted from: the latest, under the method in use


class PracticeLabelRow(SQLModel, table=True):
    """A person's answer to "which practice is this?" after logging (issue 17): a pick of
    an existing practice (`same`, a positive label) or "It's something new" (a negative),
    with the best score the ranking gave then; the threshold for showing practices as
    buttons is re-fitted from these, per ranking method."""

    __tablename__ = "practice_label"
    __table_args__ = (Index("ix_practice_label_method", "method", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    action_id: int = Field(foreign_key="extra_mile_action.id", unique=True)
    practice_id: int = Field(foreign_key="practice.id", index=True)
    same: bool
    via: str = Field(max_length=10)  # button, select or new
    top_score: float
    picked_score: float | None = None
    method: str = Field(max_length=40)
    created_at: datetime


async def add_label(
    uow: UnitOfWork,
    action_id: int,
    practice_id: int,
    *,
    same: bool,
    via: str,
    top_score: float,
    picked_score: float | None,
    method: str,
    now: datetime,
) -> None:
    """One answer per action (the action's own pick is one conditional update before this,
    so a second answer never gets here)."""
    uow.session.add(
        PracticeLabelRow(
            action_id=action_id,
            practice_id=practice_id,
            same=same,
            via=via,
            top_score=top_score,
            picked_score=picked_score,
            method=method,
            created_at=now,
        )
    )
    await uow.session.flush()


async def labels(uow: UnitOfWork, method: str, latest: int = LATEST) -> list[tuple[float, bool]]:
    """(the best score shown, whether the person picked an existing practice), oldest
    first, for the latest `latest` answers given under one ranking method (scores of two
    methods differ). Read after every save, so a bounded window, by the (method, id)
    index: the threshold follows recent answers, and its cost never grows."""
    rows = await uow.session.exec(_LABELS, params={"method": method, "latest": latest})
    return [(float(score), bool(same)) for score, same in reversed(rows.all())]


_c: Any = PracticeLabelRow.__table__.c  # type: ignore[attr-defined]
# Built once (read after every save): only its values change.
_LABELS: Any = (
    sa.select(_c.top_score, _c.same)
    .where(_c.method == sa.bindparam("method"))
    .order_by(_c.id.desc())
    .limit(sa.bindparam("latest", type_=sa.Integer))
)
