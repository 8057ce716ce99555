"""The outbox: messages to others, written in the same transaction as the change they report.

Queueing happens in the caller's unit of work; the dispatcher (bot.delivery.dispatcher)
opens a short one of its own for each claim and each mark, and commits it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Integer, bindparam, func, or_, update
from sqlalchemy import select as core_select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, select

from bot.domain.actions import OutboxStatus
from bot.domain.records import OutboxItem
from storage.console_inbox import console_only
from storage.database import utc_now
from storage.prepared import prepare, run, run_many
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
_QUEUE = prepare(_ADD["sqlite"], postgresql=_ADD["postgresql"])
_t: Any = OutboxRow.__table__  # type: ignore[attr-defined]


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
    return (await run(uow, _QUEUE, values)).rowcount == 1


def _due(dialect: str) -> Any:
    """Due messages, oldest first, at most `limit`, as of `now` (built once per dialect).

    A person's message is not due while an earlier one of theirs still waits (on a
    lease or a retry). Each person's first waiting message is found once, in a CTE: a
    correlated NOT EXISTS checked every due message against its person's earlier ones,
    quadratic in one person's backlog (seconds a claim behind a burst of replies)."""
    now = bindparam("now", type_=_t.c.next_attempt_at.type)
    waiting = (
        core_select(_t.c.person_id.label("person_id"), func.min(_t.c.id).label("first_id"))
        .where(_t.c.status == OutboxStatus.PENDING)
        .where(_t.c.next_attempt_at > now)
        .where(_t.c.person_id.is_not(None))
        .group_by(_t.c.person_id)
        .cte("waiting")
    )
    query = (
        core_select(
            _t.c.id,
            _t.c.person_id,
            _t.c.platform,
            _t.c.target,
            _t.c.payload,
            _t.c.attempts,
            _t.c.dedupe_key,
            _t.c.maybe_sent,
            _t.c.last_error,
        )
        .outerjoin(waiting, waiting.c.person_id == _t.c.person_id)
        .where(_t.c.status == OutboxStatus.PENDING)
        .where(_t.c.next_attempt_at <= now)
        .where(or_(waiting.c.first_id.is_(None), _t.c.id < waiting.c.first_id))
        # Someone who has only used the console is waited for there (storage.console_inbox).
        .where(~console_only(_t.c.person_id))
        .order_by(_t.c.id)
        .limit(bindparam("limit", type_=Integer))
    )
    if dialect != "sqlite":
        query = query.with_for_update(skip_locked=True, of=_t)
    return query


_DUE = prepare(_due("sqlite"), postgresql=_due("postgresql"))
_TAKE = prepare(
    update(_t)
    .where(_t.c.id == bindparam("row_id"))
    .values(attempts=_t.c.attempts + 1, next_attempt_at=bindparam("until"))
)
_SENT = prepare(
    update(_t)
    .where(_t.c.id == bindparam("row_id"))
    .values(status=OutboxStatus.SENT, sent_at=bindparam("at"), last_error=None)
)


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
    rows = (await run(uow, _DUE, {"now": now, "limit": limit})).rows
    until = now + lease
    # One executemany for the whole batch.
    await run_many(uow, _TAKE, [{"row_id": row[0], "until": until} for row in rows])
    return [_item(*row) for row in rows]


def _item(
    row_id: int,
    person_id: str | None,
    platform: str,
    target: str,
    payload: dict[str, object],
    attempts: int,
    dedupe_key: str | None,
    maybe_sent: bool,
    last_error: str | None,
) -> OutboxItem:
    """A claimed row (its columns in _DUE's order), its attempt counted."""
    return OutboxItem(
        id=row_id,
        person_id=person_id or "",
        platform=platform,
        target=target,
        payload=payload,
        attempts=attempts + 1,
        dedupe_key=dedupe_key or f"outbox:{row_id}",
        maybe_sent=bool(maybe_sent) or (attempts > 0 and last_error is None),
    )


async def mark_sent(uow: UnitOfWork, *item_ids: int) -> None:
    """Mark delivered messages sent: one executemany for any number of them."""
    at = utc_now()
    await run_many(uow, _SENT, [{"row_id": item_id, "at": at} for item_id in item_ids])


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
