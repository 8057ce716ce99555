"""Inbound event keys (idempotency) and the audit log."""

from __future__ import annotations

from sqlalchemy import bindparam
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from storage.database import utc_now
from storage.prepared import prepare, run
from storage.tables import AuditLogRow, ProcessedEventRow
from storage.uow import UnitOfWork

_CLAIMS = {
    dialect: insert(ProcessedEventRow.__table__)  # type: ignore[attr-defined]
    .values(key=bindparam("key"), processed_at=bindparam("at"))
    .on_conflict_do_nothing(index_elements=["key"])
    for dialect, insert in (("postgresql", postgresql_insert), ("sqlite", sqlite_insert))
}
_CLAIM = prepare(_CLAIMS["sqlite"], postgresql=_CLAIMS["postgresql"])


_AUDIT = AuditLogRow.__table__.insert()  # type: ignore[attr-defined]


async def claim_event(uow: UnitOfWork, key: str) -> bool:
    """Record that `key` is being handled; False if it was handled already.

    The insert happens in the caller's transaction, so the key is only kept if the
    work it guards commits too. One statement (INSERT ... ON CONFLICT DO NOTHING),
    built once: a concurrent second delivery waits for the first and then inserts
    nothing.
    """
    return (await run(uow, _CLAIM, {"key": key, "at": utc_now()})).rowcount == 1


async def audit(
    uow: UnitOfWork,
    *,
    actor_id: str | None,
    action: str,
    subject_type: str,
    subject_id: str,
    detail: dict[str, object] | None = None,
) -> None:
    # A Core INSERT: no ORM object, nothing left to flush at the commit.
    await uow.session.exec(
        _AUDIT,
        params={
            "at": utc_now(),
            "actor_id": actor_id,
            "action": action,
            "subject_type": subject_type,
            "subject_id": subject_id,
            "detail": detail or {},
        },
    )
