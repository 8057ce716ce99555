"""Read-only figures for prompts, summaries and the digest."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func
from sqlmodel import col, select

from storage.tables import (
    ActionRow,
    CustomerFeedbackRow,
    FeasibilityRequestRow,
    PersonRow,
)
from storage.uow import UnitOfWork


async def last_logged(uow: UnitOfWork) -> dict[str, datetime]:
    rows = (
        await uow.session.exec(
            select(ActionRow.person_id, func.max(ActionRow.created_at)).group_by(
                col(ActionRow.person_id)
            )
        )
    ).all()
    return {person: when for person, when in rows if when is not None}


async def paused_until(uow: UnitOfWork) -> dict[str, date]:
    rows = (await uow.session.exec(select(PersonRow))).all()
    return {r.id: r.prompts_paused_until for r in rows if r.prompts_paused_until}


async def pause_prompts(uow: UnitOfWork, person_id: str, until: date | None) -> None:
    row = await uow.session.get(PersonRow, person_id)
    assert row is not None
    row.prompts_paused_until = until
    uow.session.add(row)


@dataclass(frozen=True, slots=True)
class ActionFact:
    id: int
    person_id: str
    context: str
    extra: str
    customer_aware: bool | None
    created_at: datetime


async def actions_between(
    uow: UnitOfWork, people: list[str], start: datetime, end: datetime
) -> list[ActionFact]:
    rows = (
        await uow.session.exec(
            select(ActionRow)
            .where(col(ActionRow.person_id).in_(people))
            .where(col(ActionRow.created_at) >= start)
            .where(col(ActionRow.created_at) < end)
            .order_by(col(ActionRow.created_at))
        )
    ).all()
    return [_fact(r) for r in rows]


@dataclass(frozen=True, slots=True)
class Decision:
    status: str
    created_at: datetime
    decided_at: datetime


async def decisions_between(
    uow: UnitOfWork, people: list[str], start: datetime, end: datetime
) -> list[Decision]:
    rows = (
        await uow.session.exec(
            select(FeasibilityRequestRow)
            .where(col(FeasibilityRequestRow.requester_id).in_(people))
            .where(col(FeasibilityRequestRow.decided_at) >= start)
            .where(col(FeasibilityRequestRow.decided_at) < end)
        )
    ).all()
    return [Decision(r.status, r.created_at, r.decided_at) for r in rows if r.decided_at]


@dataclass(frozen=True, slots=True)
class Praise:
    person_id: str
    action_id: int | None
    words: str | None
    created_at: datetime


async def praise_between(
    uow: UnitOfWork, people: list[str], start: datetime, end: datetime
) -> list[Praise]:
    rows = (
        await uow.session.exec(
            select(CustomerFeedbackRow)
            .where(col(CustomerFeedbackRow.person_id).in_(people))
            .where(CustomerFeedbackRow.sentiment == "positive")
            .where(col(CustomerFeedbackRow.created_at) >= start)
            .where(col(CustomerFeedbackRow.created_at) < end)
            .order_by(col(CustomerFeedbackRow.created_at).desc())
        )
    ).all()
    return [Praise(r.person_id, r.action_id, r.words, r.created_at) for r in rows]


async def unanswered_follow_ups(uow: UnitOfWork, people: list[str]) -> list[ActionFact]:
    rows = (
        await uow.session.exec(
            select(ActionRow)
            .where(col(ActionRow.person_id).in_(people))
            .where(col(ActionRow.follow_up_asked) > 0)
            .where(col(ActionRow.follow_up_answered_at).is_(None))
            .order_by(col(ActionRow.created_at))
        )
    ).all()
    return [_fact(r) for r in rows]


async def counts_between(
    uow: UnitOfWork, people: list[str], windows: list[tuple[datetime, datetime]]
) -> list[int]:
    """Actions logged in each [start, end) window, in the order given."""
    counts = []
    for start, end in windows:
        query = (
            select(func.count())
            .select_from(ActionRow)
            .where(col(ActionRow.person_id).in_(people))
            .where(col(ActionRow.created_at) >= start)
            .where(col(ActionRow.created_at) < end)
        )
        counts.append(int((await uow.session.exec(query)).one()))
    return counts


def _fact(row: ActionRow) -> ActionFact:
    return ActionFact(
        row.id or 0, row.person_id, row.context, row.extra, row.customer_aware, row.created_at
    )
