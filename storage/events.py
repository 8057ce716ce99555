"""Inbound event keys (idempotency) and the audit log."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from storage.database import utc_now
from storage.tables import AuditLogRow, ProcessedEventRow
from storage.uow import UnitOfWork


async def claim_event(uow: UnitOfWork, key: str) -> bool:
    """Record that `key` is being handled; False if it was handled already.

    The insert happens in the caller's transaction, so the key is only kept if the
    work it guards commits too. A concurrent second delivery fails on the primary key.
    """
    session = uow.session
    if await session.get(ProcessedEventRow, key) is not None:
        return False
    try:
        async with session.begin_nested():
            session.add(ProcessedEventRow(key=key, processed_at=utc_now()))
    except IntegrityError:
        return False
    return True


async def audit(
    uow: UnitOfWork,
    *,
    actor_id: str | None,
    action: str,
    subject_type: str,
    subject_id: str,
    detail: dict[str, object] | None = None,
) -> None:
    uow.session.add(
        AuditLogRow(
            at=utc_now(),
            actor_id=actor_id,
            action=action,
            subject_type=subject_type,
            subject_id=subject_id,
            detail=detail or {},
        )
    )
