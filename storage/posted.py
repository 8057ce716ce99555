"""Where each card was posted, per person and platform, so it can be updated in place."""

from __future__ import annotations

import contextlib
import json

from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from storage.database import Database, utc_now
from storage.tables import PostedCardRow
from storage.uow import UnitOfWork


async def remember_posted(
    database: Database, card_key: str, person_id: str, platform: str, address: dict[str, object]
) -> None:
    address_key = json.dumps(address, sort_keys=True)[:200]
    async with UnitOfWork(database) as uow:
        uow.session.add(
            PostedCardRow(
                card_key=card_key,
                person_id=person_id,
                platform=platform,
                address_key=address_key,
                address=address,
                created_at=utc_now(),
            )
        )
        # The same copy may be remembered already (a retried delivery).
        with contextlib.suppress(IntegrityError):
            await uow.commit()


async def find_posted(
    database: Database, card_key: str, person_id: str, platform: str
) -> list[dict[str, object]]:
    async with UnitOfWork(database) as uow:
        rows = (
            await uow.session.exec(
                select(PostedCardRow)
                .where(PostedCardRow.card_key == card_key)
                .where(PostedCardRow.person_id == person_id)
                .where(PostedCardRow.platform == platform)
            )
        ).all()
    return [dict(row.address) for row in rows]
