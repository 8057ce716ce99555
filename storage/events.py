"""Inbound event keys (idempotency) and the audit log."""

from __future__ import annotations

from typing import cast

from sqlalchemy import CursorResult
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from storage.database import utc_now
from storage.tables import AuditLogRow, ProcessedEventRow
from storage.uow import UnitOfWork


async def claim_event(uow: UnitOfWork, key: str) -> bool:
    """Record that `key` is being handled; False if it was handled already.

    The insert happens in the caller's transaction, so the key is only kept if the
    work it guards commits too. One statement (INSERT ... ON CONFLICT DO NOTHING): a
    concurrent second delivery waits for the first and then inserts nothing.
    """
    insert = postgresql_insert if uow.dialect == "postgresql" else sqlite_insert
    statement = (
        insert(ProcessedEventRow.__table__)  # type: ignore[attr-defined]
        .values(key=key, processed_at=utc_now())
        .on_conflict_do_nothing(index_elements=["key"])
    )
    result = await uow.session.exec(statement)
    return bool(cast(CursorResult[object], result).rowcount == 1)


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
