"""Where each person can be reached on each platform (a Slack DM channel, a Teams reference)."""

from __future__ import annotations

import contextlib

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from storage.database import Database, utc_now
from storage.tables import ConversationRefRow
from storage.uow import UnitOfWork


async def find_address(
    database: Database, person_id: str, platform: str
) -> dict[str, object] | None:
    async with UnitOfWork(database) as uow:
        row = (
            await uow.session.exec(
                select(ConversationRefRow)
                .where(ConversationRefRow.person_id == person_id)
                .where(ConversationRefRow.platform == platform)
            )
        ).first()
    return dict(row.address) if row is not None and row.reachable else None


async def any_address(database: Database, platform: str) -> dict[str, object] | None:
    """The most recently used address on a platform (e.g. to learn Teams' service URL)."""
    async with UnitOfWork(database) as uow:
        row = (
            await uow.session.exec(
                select(ConversationRefRow)
                .where(ConversationRefRow.platform == platform)
                .order_by(col(ConversationRefRow.updated_at).desc())
            )
        ).first()
    return dict(row.address) if row is not None else None


async def remember_address(
    database: Database, person_id: str, platform: str, address: dict[str, object]
) -> None:
    """Upsert; the same address again changes nothing but the time."""
    async with UnitOfWork(database) as uow:
        row = (
            await uow.session.exec(
                select(ConversationRefRow)
                .where(ConversationRefRow.person_id == person_id)
                .where(ConversationRefRow.platform == platform)
            )
        ).first()
        if row is None:
            row = ConversationRefRow(person_id=person_id, platform=platform, updated_at=utc_now())
        row.address = address
        row.reachable = True
        row.updated_at = utc_now()
        uow.session.add(row)
        # Another worker may remember the same address at the same moment.
        with contextlib.suppress(IntegrityError):
            await uow.commit()
