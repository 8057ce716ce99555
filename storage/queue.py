"""What waits on a supervisor or a manager: pending requests, open nominations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select

from storage.tables import (
    NominationRow,
    OutboxRow,
    PracticeRow,
)
from storage.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class OpenNomination:
    id: int
    title: str
    successes: int
    people: int


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
