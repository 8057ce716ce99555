"""Practices, the actions in them, nominations and adopted offer items."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import update
from sqlmodel import col, select

from storage.tables import (
    ActionRow,
    CustomerFeedbackRow,
    NominationRow,
    PracticeRow,
    ServiceOfferItemRow,
)
from storage.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class PracticeView:
    id: int
    title: str
    examples: tuple[str, ...]
    times: int


@dataclass(frozen=True, slots=True)
class Evidence:
    """One action of a practice, as the nomination rule and the manager see it."""

    action_id: int
    person_id: str
    occurred_on: date
    status: str
    extra: str
    customer_aware: bool | None
    customer_noticed: bool | None
    affected_others: str | None
    positive_words: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class NominationView:
    id: int
    practice_id: int
    title: str
    status: str
    successes: int
    people: int
    weeks: int
    suggested_by: str | None
    suggestion: str | None
    decided_by: str | None
    reason: str | None

    @property
    def card_key(self) -> str:
        return f"nomination:{self.id}"


async def practices(uow: UnitOfWork, examples: int = 5) -> list[PracticeView]:
    rows = (await uow.session.exec(select(PracticeRow).order_by(col(PracticeRow.id)))).all()
    actions = (
        await uow.session.exec(
            select(ActionRow.practice_id, ActionRow.extra)
            .where(col(ActionRow.practice_id).is_not(None))
            .order_by(col(ActionRow.id).desc())
        )
    ).all()
    texts: dict[int, list[str]] = {}
    for practice_id, extra in actions:
        if practice_id is not None:
            texts.setdefault(practice_id, []).append(extra)
    return [
        PracticeView(
            row.id or 0,
            row.title,
            tuple(texts.get(row.id or 0, [])[:examples]),
            len(texts.get(row.id or 0, [])),
        )
        for row in rows
    ]


async def create_practice(uow: UnitOfWork, title: str, by: str, now: datetime) -> int:
    row = PracticeRow(title=title, created_by=by, created_at=now)
    uow.session.add(row)
    await uow.session.flush()
    assert row.id is not None
    return row.id


async def assign_practice(uow: UnitOfWork, action_id: int, practice_id: int) -> None:
    await uow.session.exec(
        update(ActionRow).where(col(ActionRow.id) == action_id).values(practice_id=practice_id)
    )


async def practice_of(uow: UnitOfWork, action_id: int) -> int | None:
    row = await uow.session.get(ActionRow, action_id)
    return row.practice_id if row else None


async def evidence(uow: UnitOfWork, practice_id: int) -> list[Evidence]:
    rows = (
        await uow.session.exec(select(ActionRow).where(ActionRow.practice_id == practice_id))
    ).all()
    ids = [r.id for r in rows if r.id is not None]
    praise = (
        await uow.session.exec(
            select(CustomerFeedbackRow.action_id, CustomerFeedbackRow.words)
            .where(col(CustomerFeedbackRow.action_id).in_(ids))
            .where(CustomerFeedbackRow.sentiment == "positive")
        )
    ).all()
    words: dict[int, list[str]] = {}
    for action_id, text in praise:
        if action_id is not None:
            words.setdefault(action_id, []).append(text or "")
    return [
        Evidence(
            r.id or 0,
            r.person_id,
            r.occurred_on,
            r.status,
            r.extra,
            r.customer_aware,
            r.customer_noticed,
            r.affected_others,
            tuple(words.get(r.id or 0, [])),
        )
        for r in rows
    ]


async def nominations(uow: UnitOfWork, status: str | None = None) -> list[NominationView]:
    query = (
        select(NominationRow, PracticeRow)
        .join(PracticeRow, col(PracticeRow.id) == NominationRow.practice_id)
        .order_by(col(NominationRow.id))
    )
    if status is not None:
        query = query.where(NominationRow.status == status)
    return [_view(n, p) for n, p in (await uow.session.exec(query)).all()]


async def nomination_for(uow: UnitOfWork, practice_id: int) -> NominationView | None:
    found = [n for n in await nominations(uow) if n.practice_id == practice_id]
    return found[0] if found else None


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
    """Open (or reopen) the practice's nomination with its latest evidence."""
    row = (
        await uow.session.exec(
            select(NominationRow).where(NominationRow.practice_id == practice_id)
        )
    ).first()
    if row is None:
        row = NominationRow(practice_id=practice_id, created_at=now)
    row.status = "open"
    row.successes, row.people, row.weeks = successes, people, weeks
    if suggested_by is not None:
        row.suggested_by, row.suggestion = suggested_by, suggestion
    uow.session.add(row)
    await uow.session.flush()
    assert row.id is not None
    return row.id


async def decide_nomination(
    uow: UnitOfWork,
    nomination_id: int,
    *,
    status: str,
    by: str,
    reason: str | None,
    now: datetime,
) -> bool:
    """Adopt or dismiss, if still open (the first manager to decide wins)."""
    result = await uow.session.exec(
        update(NominationRow)
        .where(col(NominationRow.id) == nomination_id)
        .where(col(NominationRow.status) == "open")
        .values(status=status, decided_by=by, decided_at=now, reason=reason)
    )
    return result.rowcount == 1


async def adopt_into_offer(uow: UnitOfWork, nomination_id: int, title: str, now: datetime) -> str:
    item_id = f"adopted-{nomination_id}"
    uow.session.add(
        ServiceOfferItemRow(
            id=item_id, title=title, source="adopted", nomination_id=nomination_id, adopted_at=now
        )
    )
    return item_id


def _view(row: NominationRow, practice: PracticeRow) -> NominationView:
    return NominationView(
        id=row.id or 0,
        practice_id=row.practice_id,
        title=practice.title,
        status=row.status,
        successes=row.successes,
        people=row.people,
        weeks=row.weeks,
        suggested_by=row.suggested_by,
        suggestion=row.suggestion,
        decided_by=row.decided_by,
        reason=row.reason,
    )
