"""Who the bot could not reach, for admins and managers."""

from __future__ import annotations

from sqlmodel import col, select

from bot.domain.actions import OutboxStatus
from bot.domain.records import Unreached
from storage.tables import OutboxRow
from storage.uow import UnitOfWork


async def unreached_people(uow: UnitOfWork) -> list[Unreached]:
    """People whose latest message could not be delivered (and none has been since)."""
    rows = (
        await uow.session.exec(
            select(OutboxRow)
            .where(col(OutboxRow.status).in_((OutboxStatus.FAILED, OutboxStatus.SENT)))
            .order_by(col(OutboxRow.id))
        )
    ).all()
    latest: dict[str, OutboxRow] = {}
    for row in rows:
        if row.person_id:
            latest[row.person_id] = row
    return [
        Unreached(person, row.last_error or OutboxStatus.FAILED, row.created_at)
        for person, row in latest.items()
        if row.status == OutboxStatus.FAILED
    ]
