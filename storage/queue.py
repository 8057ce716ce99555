"""Who the bot could not reach, for admins and managers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select

from storage.tables import OutboxRow
from storage.uow import UnitOfWork


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
