"""What waits on a supervisor or a manager: pending requests, open nominations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select

from storage.tables import (
    ActionRow,
    FeasibilityRequestRow,
    NominationRow,
    OutboxRow,
    PracticeRow,
)
from storage.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class PendingRequest:
    id: int
    requester_id: str
    extra: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class OpenNomination:
    id: int
    title: str
    successes: int
    people: int


async def pending_requests_for(uow: UnitOfWork, approver_id: str) -> list[PendingRequest]:
    query = (
        select(FeasibilityRequestRow, ActionRow)
        .join(ActionRow, col(ActionRow.id) == FeasibilityRequestRow.action_id)
        .where(FeasibilityRequestRow.approver_id == approver_id)
        .where(col(FeasibilityRequestRow.status).in_(("pending", "info_requested")))
        .order_by(col(FeasibilityRequestRow.created_at))
    )
    rows = (await uow.session.exec(query)).all()
    return [
        PendingRequest(request.id or 0, request.requester_id, action.extra, request.created_at)
        for request, action in rows
    ]


async def open_nominations(uow: UnitOfWork) -> list[OpenNomination]:
    query = (
        select(NominationRow, PracticeRow)
        .join(PracticeRow, col(PracticeRow.id) == NominationRow.practice_id)
        .where(NominationRow.status == "open")
        .order_by(col(NominationRow.created_at))
    )
    rows = (await uow.session.exec(query)).all()
    return [
        OpenNomination(nomination.id or 0, practice.title, nomination.successes, nomination.people)
        for nomination, practice in rows
    ]


@dataclass(frozen=True, slots=True)
class Unreached:
    person_id: str
    reason: str
    since: datetime


async def unreached_people(uow: UnitOfWork) -> list[Unreached]:
    """People whose latest message could not be delivered (and none has been since)."""
    rows = (
        await uow.session.exec(
            select(OutboxRow)
            .where(col(OutboxRow.status).in_(("failed", "sent")))
            .order_by(col(OutboxRow.id))
        )
    ).all()
    latest: dict[str, OutboxRow] = {}
    for row in rows:
        if row.person_id:
            latest[row.person_id] = row
    return [
        Unreached(person, row.last_error or "failed", row.created_at)
        for person, row in latest.items()
        if row.status == "failed"
    ]
