"""People's answers to "which practice is this?" after logging (issue 17): each pick of an
existing practice a positive label, each "It's something new" a negative, with the best
score the ranking gave; the threshold for showing practices as buttons is re-fitted from
them."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, select

from storage.tables import PracticeLabelRow
from storage.uow import UnitOfWork


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


async def labels(uow: UnitOfWork, method: str) -> list[tuple[float, bool]]:
    """(the best score shown, whether the person picked an existing practice), oldest
    first, for answers given under one ranking method (scores of two methods differ)."""
    rows = await uow.session.exec(
        select(PracticeLabelRow.top_score, PracticeLabelRow.same)
        .where(PracticeLabelRow.method == method)
        .order_by(col(PracticeLabelRow.id))
    )
    return [(float(score), bool(same)) for score, same in rows.all()]
