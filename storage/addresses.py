"""Where each person can be reached on each platform (a Slack DM channel, a Teams reference).

Every function runs in the caller's unit of work: the engine saves the address a
message brought in its turn's own transaction (storage.delivery opens one for the
platforms' messengers).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import timedelta
from typing import Any

from sqlalchemy import bindparam, update
from sqlalchemy import select as core_select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, select

from storage.database import utc_now
from storage.tables import ConversationRefRow
from storage.uow import UnitOfWork

_refs: Any = ConversationRefRow.__table__  # type: ignore[attr-defined]
_HEARD: Any = core_select(
    _refs.c.platform, _refs.c.address, _refs.c.reachable, _refs.c.heard_at
).where(_refs.c.person_id == bindparam("person_id"))


async def find_address(uow: UnitOfWork, person_id: str, platform: str) -> dict[str, object] | None:
    row = await _row(uow, person_id, platform)
    return dict(row.address) if row is not None and row.reachable else None


async def all_addresses(uow: UnitOfWork, platform: str) -> dict[str, dict[str, object]]:
    """Everyone's reachable address on a platform, by person id (one query)."""
    rows = (
        await uow.session.exec(
            select(ConversationRefRow)
            .where(ConversationRefRow.platform == platform)
            .where(col(ConversationRefRow.reachable))
        )
    ).all()
    return {row.person_id: dict(row.address) for row in rows}


async def any_address(uow: UnitOfWork, platform: str) -> dict[str, object] | None:
    """The most recently saved address on a platform (e.g. to learn Teams' service URL)."""
    row = (
        await uow.session.exec(
            select(ConversationRefRow)
            .where(ConversationRefRow.platform == platform)
            .order_by(col(ConversationRefRow.updated_at).desc())
        )
    ).first()
    return dict(row.address) if row is not None else None


async def remember_address(
    uow: UnitOfWork, person_id: str, platform: str, address: Mapping[str, object]
) -> bool:
    """Save it if it changed (or was unreachable); True if it was written. The same address
    again writes nothing: most messages come from where the last one did."""
    row = await _row(uow, person_id, platform)
    if row is None:
        await remember_addresses(uow, platform, {person_id: address})
        return True
    if row.reachable and row.address == dict(address):
        return False
    row.address, row.reachable, row.updated_at = dict(address), True, utc_now()
    uow.session.add(row)
    return True


async def heard_from(
    uow: UnitOfWork, person_id: str, platform: str, address: Mapping[str, object]
) -> None:
    """The person wrote from this platform, reachable at `address`: saved if it changed,
    and the platform becomes where their messages go. One read of their addresses per
    turn (Core, no ORM objects); at most one write, only of what changed (most turns
    come from where the last one did, and write nothing)."""
    rows = (await uow.session.exec(_HEARD, params={"person_id": person_id})).all()
    row = next((r for r in rows if r.platform == platform), None)
    latest = max((r.heard_at for r in rows if r.heard_at is not None), default=None)
    changes: dict[str, object] = {}
    if row is None:  # first contact on this platform
        await remember_addresses(uow, platform, {person_id: address})
    elif not (row.reachable and row.address == dict(address)):
        changes |= {"address": dict(address), "reachable": True, "updated_at": utc_now()}
    heard = row.heard_at if row is not None else None
    if heard is None or heard != latest:
        now = utc_now()
        later = now if latest is None else max(now, latest + timedelta(microseconds=1))
        changes["heard_at"] = later
    if changes:
        await uow.session.exec(
            update(_refs)
            .where(_refs.c.person_id == person_id, _refs.c.platform == platform)
            .values(**changes)
        )


async def last_heard(uow: UnitOfWork, person_ids: Collection[str]) -> dict[str, str]:
    """The platform each person last wrote from, by person id (those who never did are
    left out). One query."""
    if not person_ids:
        return {}
    rows = (
        await uow.session.exec(
            select(ConversationRefRow)
            .where(col(ConversationRefRow.person_id).in_(list(person_ids)))
            .where(col(ConversationRefRow.heard_at).is_not(None))
            .order_by(col(ConversationRefRow.heard_at))
        )
    ).all()
    return {row.person_id: row.platform for row in rows}  # the latest wins


async def remember_addresses(
    uow: UnitOfWork, platform: str, addresses: Mapping[str, Mapping[str, object]]
) -> None:
    """Upsert many people's addresses in one statement (what a fan-out learned).

    INSERT ... ON CONFLICT DO UPDATE: two turns saving the same new address at once
    both succeed, and neither's transaction is spoilt by a unique violation."""
    if not addresses:
        return
    now = utc_now()
    insert = postgresql_insert if uow.dialect == "postgresql" else sqlite_insert
    statement = insert(ConversationRefRow.__table__).values(  # type: ignore[attr-defined]
        [
            {
                "person_id": person_id,
                "platform": platform,
                "address": dict(address),
                "reachable": True,
                "updated_at": now,
            }
            for person_id, address in addresses.items()
        ]
    )
    await uow.session.exec(
        statement.on_conflict_do_update(
            index_elements=["person_id", "platform"],
            set_={
                "address": statement.excluded.address,
                "reachable": True,
                "updated_at": statement.excluded.updated_at,
            },
        )
    )


async def _row(uow: UnitOfWork, person_id: str, platform: str) -> ConversationRefRow | None:
    return (
        await uow.session.exec(
            select(ConversationRefRow)
            .where(ConversationRefRow.person_id == person_id)
            .where(ConversationRefRow.platform == platform)
        )
    ).first()
