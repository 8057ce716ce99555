"""Nominations of practices for the routine offer (3.5, K7): opened by the nightly rule or
a person's suggestion, decided once by a manager; an adopted one joins the offer."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from sqlalchemy import update
from sqlmodel import col, select

from bot.domain.actions import NominationStatus, OfferSource
from bot.domain.records import NominationView
from storage.tables import NominationRow, PracticeRow, ServiceOfferItemRow
from storage.uow import UnitOfWork


async def nominations(
    uow: UnitOfWork, status: NominationStatus | None = None
) -> list[NominationView]:
    query = (
        select(NominationRow, PracticeRow)
        .join(PracticeRow, col(PracticeRow.id) == NominationRow.practice_id)
        .order_by(col(NominationRow.id))
    )
    if status is not None:
        query = query.where(NominationRow.status == status)
    return [_view(n, p) for n, p in (await uow.session.exec(query)).all()]


async def get_nomination(uow: UnitOfWork, nomination_id: int) -> NominationView | None:
    found = [n for n in await nominations(uow) if n.id == nomination_id]
    return found[0] if found else None


async def save_nomination(
    uow: UnitOfWork,
    practice_id: int,
    *,
    successes: int,
    people: int,
    weeks: int,
    now: datetime,
    suggested_by: str | None = None,
    suggestion: str | None = None,
) -> int:
    """Open (or reopen a dismissed) practice's nomination with its latest evidence; the
    nightly rule's own call (a person's suggestion is `suggest_nomination`). An adopted
    one is never reopened: its item is in the offer already."""
    row = (
        await uow.session.exec(
            select(NominationRow).where(NominationRow.practice_id == practice_id)
        )
    ).first()
    if row is None:
        row = NominationRow(practice_id=practice_id, created_at=now)
    elif row.status == NominationStatus.ADOPTED:
        assert row.id is not None
        return row.id
    row.status = NominationStatus.OPEN
    row.successes, row.people, row.weeks = successes, people, weeks
    if suggested_by is not None:
        row.suggested_by, row.suggestion = suggested_by, suggestion
    uow.session.add(row)
    await uow.session.flush()
    assert row.id is not None
    return row.id


async def suggest_nomination(
    uow: UnitOfWork,
    practice_id: int,
    *,
    successes: int,
    people: int,
    weeks: int,
    now: datetime,
    suggested_by: str,
    suggestion: str,
) -> NominationView:
    """A person's suggestion: opens the practice's nomination if it has none, or adds to
    an open one. A decided one (adopted or dismissed) is returned as it is: only the
    nightly rule brings a dismissed one back (see save_nomination)."""
    row = (
        await uow.session.exec(
            select(NominationRow).where(NominationRow.practice_id == practice_id)
        )
    ).first()
    if row is None:
        uow.session.add(
            NominationRow(
                practice_id=practice_id,
                created_at=now,
                status=NominationStatus.OPEN,
                successes=successes,
                people=people,
                weeks=weeks,
                suggested_by=suggested_by,
                suggestion=suggestion,
            )
        )
        await uow.session.flush()
    elif row.status == NominationStatus.OPEN:
        # Conditional: a manager deciding meanwhile wins, and the nomination stays decided.
        await uow.session.exec(
            update(NominationRow)
            .where(col(NominationRow.id) == row.id)
            .where(col(NominationRow.status) == NominationStatus.OPEN)
            .values(
                successes=successes,
                people=people,
                weeks=weeks,
                suggested_by=suggested_by,
                suggestion=suggestion,
            )
            .execution_options(synchronize_session=False)
        )
        await uow.session.refresh(row)  # as it is now, had a manager decided meanwhile
    found = [n for n in await nominations(uow) if n.practice_id == practice_id]
    return found[0]


async def decide_nomination(
    uow: UnitOfWork,
    nomination_id: int,
    *,
    status: Literal[NominationStatus.ADOPTED, NominationStatus.DISMISSED],
    by: str,
    reason: str | None,
    now: datetime,
) -> bool:
    """Adopt or dismiss, if still open (the first manager to decide wins)."""
    result = await uow.session.exec(
        update(NominationRow)
        .where(col(NominationRow.id) == nomination_id)
        .where(col(NominationRow.status) == NominationStatus.OPEN)
        .values(status=status, decided_by=by, decided_at=now, reason=reason)
    )
    return result.rowcount == 1


async def adopt_into_offer(uow: UnitOfWork, nomination_id: int, title: str, now: datetime) -> str:
    item_id = f"adopted-{nomination_id}"
    uow.session.add(
        ServiceOfferItemRow(
            id=item_id,
            title=title,
            source=OfferSource.ADOPTED,
            nomination_id=nomination_id,
            adopted_at=now,
        )
    )
    return item_id


def _view(row: NominationRow, practice: PracticeRow) -> NominationView:
    return NominationView(
        id=row.id or 0,
        practice_id=row.practice_id,
        title=practice.title,
        status=NominationStatus(row.status),
        successes=row.successes,
        people=row.people,
        weeks=row.weeks,
        suggested_by=row.suggested_by,
        suggestion=row.suggestion,
        decided_by=row.decided_by,
        reason=row.reason,
    )
