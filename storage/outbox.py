"""The outbox: messages to others, written in the same transaction as the change they report.

Queueing happens in the caller's unit of work; the dispatcher (bot.delivery.dispatcher)
opens a short one of its own for each claim and each mark, and commits it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import bindparam, func, or_, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, select

from bot.domain.actions import OutboxStatus
from bot.domain.records import OutboxItem
from storage.console_inbox import console_only
from storage.database import utc_now
from storage.tables import OutboxRow
from storage.uow import UnitOfWork


async def enqueue(
    uow: UnitOfWork,
    *,
    person_id: str,
    payload: dict[str, object],
    now: datetime,
    dedupe_key: str | None = None,
    platform: str = "auto",
) -> bool:
    """Queue a message to a person, due at `now`; False if its dedupe key was queued before.

    `platform`: "auto" (wherever they can be reached) or the one they are talking on.
    """
    return await _add(uow, person_id, platform, person_id, payload, now, dedupe_key)


async def enqueue_channel(
    uow: UnitOfWork,
    *,
    platform: str,
    channel: str,
    payload: dict[str, object],
    now: datetime,
    dedupe_key: str | None = None,
) -> bool:
    """Queue a message to a channel (e.g. the recognition channel) on one platform."""
    return await _add(uow, None, platform, channel, payload, now, dedupe_key)


_COLUMNS = (
    "person_id",
    "platform",
    "target",
    "payload",
    "dedupe_key",
    "status",
    "attempts",
    "next_attempt_at",
    "maybe_sent",
    "created_at",
)
# Built once per dialect (a turn queues its answer with it): only the values change.
_ADD = {
    dialect: insert(OutboxRow.__table__)  # type: ignore[attr-defined]
    .values({name: bindparam(name) for name in _COLUMNS})
    .on_conflict_do_nothing(index_elements=["dedupe_key"])
    for dialect, insert in (("postgresql", postgresql_insert), ("sqlite", sqlite_insert))
}


async def _add(
    uow: UnitOfWork,
    person_id: str | None,
    platform: str,
    target: str,
    payload: dict[str, object],
    now: datetime,
    dedupe_key: str | None,
) -> bool:
    """One INSERT ... ON CONFLICT DO NOTHING (no savepoint, no ORM flush): a dedupe key
    queued before, even by a concurrent transaction, inserts nothing."""
    values = {
        "person_id": person_id,
        "platform": platform,
        "target": target,
        "payload": payload,
        "dedupe_key": dedupe_key,
        "status": OutboxStatus.PENDING,
        "attempts": 0,
        # A job run "as of" a later time (a rehearsal) still sends now, not then.
        "next_attempt_at": min(now, utc_now()),
        "maybe_sent": False,
        "created_at": now,
    }
    result = await uow.session.exec(_ADD[uow.dialect], params=values)
    return result.rowcount == 1


async def any_due(uow: UnitOfWork, *, now: datetime) -> bool:
    """Whether some message may be due (one indexed read): the idle poll asks this in a
    read-only unit of work, and claims (a write) only when it is so."""
    query = (
        select(OutboxRow.id)
        .where(OutboxRow.status == OutboxStatus.PENDING)
        .where(col(OutboxRow.next_attempt_at) <= now)
        .limit(1)
    )
    return (await uow.session.exec(query)).first() is not None


async def claim_due(
    uow: UnitOfWork, *, now: datetime, lease: timedelta, limit: int = 200
) -> list[OutboxItem]:
    """Take due messages for this worker: each is hidden from others until the lease ends.

    A worker that dies mid-delivery leaves its messages to be claimed again after the
    lease, so nothing is lost (a message may then be sent twice at worst; the
    platform messenger uses the dedupe key to avoid that where the platform allows).

    A person's message is not due while an earlier one of theirs still waits (on a
    lease or a retry): a card's new state must not overtake the card.
    """
    # Each person's first message that waits (on a lease or a retry), found once: a
    # correlated NOT EXISTS checked every due message against its person's earlier ones,
    # quadratic in one person's backlog (seconds a claim behind a burst of replies).
    waiting = (
        select(
            col(OutboxRow.person_id).label("person_id"),
            func.min(OutboxRow.id).label("first_id"),
        )
        .where(OutboxRow.status == OutboxStatus.PENDING)
        .where(col(OutboxRow.next_attempt_at) > now)
        .where(col(OutboxRow.person_id).is_not(None))
        .group_by(col(OutboxRow.person_id))
        .cte("waiting")
    )
    query = (
        select(OutboxRow)
        .outerjoin(waiting, waiting.c.person_id == OutboxRow.person_id)
        .where(OutboxRow.status == OutboxStatus.PENDING)
        .where(col(OutboxRow.next_attempt_at) <= now)
        .where(or_(waiting.c.first_id.is_(None), col(OutboxRow.id) < waiting.c.first_id))
        # Someone who has only used the console is waited for there (storage.console_inbox).
        .where(~console_only(OutboxRow.person_id))
        .order_by(col(OutboxRow.id))
        .limit(limit)
    )
    if uow.dialect != "sqlite":
        query = query.with_for_update(skip_locked=True, of=OutboxRow)
    rows = list((await uow.session.exec(query)).all())
    if rows:
        # One statement for the whole batch, not one per row.
        await uow.session.exec(
            update(OutboxRow)
            .where(col(OutboxRow.id).in_([row.id for row in rows]))
            .values(attempts=col(OutboxRow.attempts) + 1, next_attempt_at=now + lease)
            .execution_options(synchronize_session=False)
        )
    return [
        OutboxItem(
            id=row.id or 0,
            person_id=row.person_id or "",
            platform=row.platform,
            target=row.target,
            payload=row.payload,
            attempts=row.attempts + 1,
            dedupe_key=row.dedupe_key or f"outbox:{row.id}",
            maybe_sent=row.maybe_sent or (row.attempts > 0 and row.last_error is None),
        )
        for row in rows
    ]


async def mark_sent(uow: UnitOfWork, *item_ids: int) -> None:
    """Mark delivered messages sent: one statement for any number of them."""
    if not item_ids:
        return
    await uow.session.exec(
        update(OutboxRow)
        .where(col(OutboxRow.id).in_(item_ids))
        .values(status=OutboxStatus.SENT, sent_at=utc_now(), last_error=None)
    )


async def mark_retry(
    uow: UnitOfWork, item_id: int, *, at: datetime, error: str, maybe_sent: bool = False
) -> None:
    """Due again at `at`; `maybe_sent` (once true, it stays) makes the next try check first."""
    changes: dict[str, object] = {"next_attempt_at": at, "last_error": error[:500]}
    if maybe_sent:
        changes["maybe_sent"] = True
    await _update(uow, item_id, **changes)


async def release(uow: UnitOfWork, item_id: int, *, at: datetime) -> None:
    """Hand back a claimed message that was not tried; its attempt does not count."""
    row = await uow.session.get(OutboxRow, item_id)
    if row is not None:
        row.attempts = max(row.attempts - 1, 0)
        row.next_attempt_at = at
        uow.session.add(row)


async def mark_failed(uow: UnitOfWork, item_id: int, *, error: str) -> None:
    await _update(uow, item_id, status=OutboxStatus.FAILED, last_error=error[:500])


async def _update(uow: UnitOfWork, item_id: int, **changes: object) -> None:
    row = await uow.session.get(OutboxRow, item_id)
    if row is None:
        return
    for name, value in changes.items():
        setattr(row, name, value)
    uow.session.add(row)


async def outbox_counts(uow: UnitOfWork) -> dict[str, int]:
    """How many messages are pending, sent and failed."""
    rows = (await uow.session.exec(select(OutboxRow.status))).all()
    counts: dict[str, int] = {}
    for status in rows:
        counts[status] = counts.get(status, 0) + 1
    return counts
