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


async def all_addresses(database: Database, platform: str) -> dict[str, dict[str, object]]:
    """Everyone's reachable address on a platform, by person id (one query)."""
    async with UnitOfWork(database) as uow:
        rows = (
            await uow.session.exec(
                select(ConversationRefRow)
                .where(ConversationRefRow.platform == platform)
                .where(col(ConversationRefRow.reachable))
            )
        ).all()
    return {row.person_id: dict(row.address) for row in rows}


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
    await remember_addresses(database, platform, {person_id: address})


async def remember_addresses(
    database: Database, platform: str, addresses: dict[str, dict[str, object]]
) -> None:
    """Upsert many people's addresses in one transaction (what a fan-out learned)."""
    if not addresses:
        return
    async with UnitOfWork(database) as uow:
        rows = (
            await uow.session.exec(
                select(ConversationRefRow)
                .where(ConversationRefRow.platform == platform)
                .where(col(ConversationRefRow.person_id).in_(list(addresses)))
            )
        ).all()
        existing = {row.person_id: row for row in rows}
        now = utc_now()
        for person_id, address in addresses.items():
            row = existing.get(person_id) or ConversationRefRow(
                person_id=person_id, platform=platform, updated_at=now
            )
            row.address, row.reachable, row.updated_at = address, True, now
            uow.session.add(row)
        with contextlib.suppress(IntegrityError):
            await uow.commit()
