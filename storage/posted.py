"""Where each card was posted, per person and platform, so it can be updated in place."""

from __future__ import annotations

import json
from collections.abc import Mapping

from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import select

from storage.database import utc_now
from storage.tables import PostedCardRow
from storage.uow import UnitOfWork


async def remember_posted(
    uow: UnitOfWork, card_key: str, person_id: str, platform: str, address: Mapping[str, object]
) -> None:
    """One statement; the same copy may be remembered already (a retried delivery)."""
    insert = postgresql_insert if uow.dialect == "postgresql" else sqlite_insert
    await uow.session.exec(
        insert(PostedCardRow.__table__)  # type: ignore[attr-defined]
        .values(
            card_key=card_key,
            person_id=person_id,
            platform=platform,
            address_key=json.dumps(dict(address), sort_keys=True)[:200],
            address=dict(address),
            created_at=utc_now(),
        )
        .on_conflict_do_nothing(index_elements=["card_key", "platform", "address_key"])
    )


async def find_posted(
    uow: UnitOfWork, card_key: str, person_id: str, platform: str
) -> list[dict[str, object]]:
    rows = (
        await uow.session.exec(
            select(PostedCardRow)
            .where(PostedCardRow.card_key == card_key)
            .where(PostedCardRow.person_id == person_id)
            .where(PostedCardRow.platform == platform)
        )
    ).all()
    return [dict(row.address) for row in rows]


async def posted_on(uow: UnitOfWork, card_key: str, person_id: str) -> set[str]:
    """The platforms where the person has a copy of the card."""
    rows = (
        await uow.session.exec(
            select(PostedCardRow.platform)
            .where(PostedCardRow.card_key == card_key)
            .where(PostedCardRow.person_id == person_id)
            .distinct()
        )
    ).all()
    return set(rows)
