"""People and service offer: kept in step with the organisation file."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from sqlalchemy import text
from sqlmodel import delete, select

from bot.domain.actions import OfferSource
from bot.domain.org import Organisation
from bot.domain.records import AdoptedOfferItem
from storage.database import utc_now
from storage.summary import move_person
from storage.tables import AuditLogRow, PersonRow, PlatformIdentityRow, ServiceOfferItemRow
from storage.uow import UnitOfWork

SYNC_LOCK = 0x45584D4C  # "EXML": the advisory lock that serialises organisation syncs


async def sync_organisation(uow: UnitOfWork, org: Organisation) -> None:
    """Make the people, identities and offer tables say what the file says.

    People who left the file are marked inactive, never deleted: their actions
    and feedback stay as evidence.
    """
    session = uow.session
    if uow.dialect == "postgresql":
        # Two servers starting together would both delete and re-insert the identities;
        # one at a time (SQLite's BEGIN IMMEDIATE already does this).
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SYNC_LOCK})
    await _sync_people(uow, org)
    await _sync_identities(uow, org)
    await _sync_offer(uow, org)


async def _sync_people(uow: UnitOfWork, org: Organisation) -> None:
    session = uow.session
    existing = {row.id: row for row in (await session.exec(select(PersonRow))).all()}
    for person in org.people:
        row = existing.pop(person.id, None) or PersonRow(id=person.id, name="", role="")
        if row.role and row.role != person.role.value:
            session.add(
                AuditLogRow(
                    at=utc_now(),
                    actor_id=None,
                    action="person.role_changed",
                    subject_type="person",
                    subject_id=person.id,
                    detail={"from": row.role, "to": person.role.value},
                )
            )
        row.name = person.name
        row.role = person.role.value
        if row.role:  # stored before: their figures follow them to their new team
            await move_person(uow, person.id, row.supervisor_id, person.supervisor)
        row.supervisor_id = person.supervisor
        row.timezone = person.timezone
        row.active = True
        session.add(row)
    for gone in existing.values():
        gone.active = False
        session.add(gone)
    await session.flush()


async def _sync_identities(uow: UnitOfWork, org: Organisation) -> None:
    session = uow.session
    learned = [
        (row.person_id, row.platform, row.platform_user_id)
        for row in (await session.exec(select(PlatformIdentityRow))).all()
    ]
    await session.exec(delete(PlatformIdentityRow))
    for person_id, platform, found_id in learned:
        # Found by e-mail earlier: kept while the file still gives no id there.
        person = org.person(person_id)
        if person is not None and person.email and person.platform_id(platform) is None:
            session.add(
                PlatformIdentityRow(
                    person_id=person_id, platform=platform, platform_user_id=found_id
                )
            )
    for person in org.people:
        for platform in ("slack", "teams"):
            user_id = person.platform_id(platform)
            if user_id:
                session.add(
                    PlatformIdentityRow(
                        person_id=person.id, platform=platform, platform_user_id=user_id
                    )
                )


async def _sync_offer(uow: UnitOfWork, org: Organisation) -> None:
    session = uow.session
    offer = {row.id: row for row in (await session.exec(select(ServiceOfferItemRow))).all()}
    for item in org.service_offer:
        item_row = offer.pop(item.id, None) or ServiceOfferItemRow(id=item.id, title="")
        item_row.title = item.title
        item_row.active = True
        session.add(item_row)
    for leftover in offer.values():
        # Adopted nominations live only in the database; keep them.
        if leftover.source == OfferSource.ORGANISATION:
            leftover.active = False
            session.add(leftover)


async def remember_identity(uow: UnitOfWork, person_id: str, platform: str, user_id: str) -> None:
    """An id found by e-mail (Slack's lookup, the Teams roster)."""
    session = uow.session
    query = select(PlatformIdentityRow).where(
        PlatformIdentityRow.person_id == person_id, PlatformIdentityRow.platform == platform
    )
    row = (await session.exec(query)).first() or PlatformIdentityRow(
        person_id=person_id, platform=platform, platform_user_id=user_id
    )
    row.platform_user_id = user_id
    session.add(row)


async def identities(uow: UnitOfWork) -> list[tuple[str, str, str]]:
    """Every known (person, platform, user id), from the file and found by e-mail."""
    rows = (await uow.session.exec(select(PlatformIdentityRow))).all()
    return [(r.person_id, r.platform, r.platform_user_id) for r in rows]


async def remember_timezone(uow: UnitOfWork, person_id: str, timezone: str) -> bool:
    """Keep the time zone a platform reports for a person (if it is a real one and new);
    True if it was written."""
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    row = await uow.session.get(PersonRow, person_id)
    if row is None or row.platform_timezone == timezone:
        return False
    row.platform_timezone = timezone
    uow.session.add(row)
    return True


async def platform_timezones(uow: UnitOfWork) -> dict[str, str]:
    rows = (await uow.session.exec(select(PersonRow))).all()
    return {r.id: r.platform_timezone for r in rows if r.platform_timezone}


async def adopted_offer(uow: UnitOfWork) -> list[AdoptedOfferItem]:
    """Offer items added by adopting nominations (the file's own items come from the file)."""
    rows = await uow.session.exec(_ADOPTED)  # read on every form opened and sent
    return [AdoptedOfferItem(id_, title, adopted_at) for id_, title, adopted_at in rows.all()]


_offer: Any = ServiceOfferItemRow.__table__.c  # type: ignore[attr-defined]
# Built once (a Core statement, no ORM rows): only the rows it finds change.
_ADOPTED: Any = (
    sa.select(_offer.id, _offer.title, _offer.adopted_at)
    .where(_offer.active.is_(True))
    .where(_offer.source == OfferSource.ADOPTED)
    .order_by(_offer.id)
)


async def names_of(uow: UnitOfWork, ids: set[str]) -> dict[str, str]:
    """The names of these people (erased ones by their pseudonym's), by id: an indexed
    read of just them."""
    if not ids:
        return {}
    person = PersonRow.__table__.c  # type: ignore[attr-defined]
    connection = await uow.session.connection()
    rows = await connection.execute(sa.select(person.id, person.name).where(person.id.in_(ids)))
    return {str(i): str(n) for i, n in rows.all()}
