"""Blobs: the bytes messages carry (a digest's chart, a portfolio PDF, a data export).

Each is stored once, found again by its SHA-256 (and owner), and referenced by id from
the outbox rows that carry it; the dispatcher reads it back when it sends (bot.reports.attachments).
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from bot.domain.records import Blob
from storage.tables import BlobRow
from storage.uow import UnitOfWork


async def store_blob(
    uow: UnitOfWork, data: bytes, *, mime: str, now: datetime, owner_id: str = ""
) -> int:
    """The id of these bytes: the copy stored before, if any (same bytes, same owner), else
    a new one. `owner_id`: whose personal data they hold ("" for none), erased with them."""
    digest = hashlib.sha256(data).hexdigest()
    if (found := await _find(uow, digest, owner_id)) is not None:
        return found
    row = BlobRow(sha256=digest, mime=mime, data=data, owner_id=owner_id, created_at=now)
    try:
        async with uow.session.begin_nested():
            uow.session.add(row)
    except IntegrityError:
        # Stored by a transaction that committed meanwhile (two workers drawing the same chart).
        found = await _find(uow, digest, owner_id)
        assert found is not None
        return found
    assert row.id is not None
    return row.id


async def _find(uow: UnitOfWork, digest: str, owner_id: str) -> int | None:
    query = select(BlobRow.id).where(BlobRow.sha256 == digest).where(BlobRow.owner_id == owner_id)
    return (await uow.session.exec(query)).first()


async def load_blobs(uow: UnitOfWork, blob_ids: set[int]) -> dict[int, Blob]:
    """The blobs with these ids that still exist (a person's are erased with them)."""
    if not blob_ids:
        return {}
    rows = (await uow.session.exec(select(BlobRow).where(col(BlobRow.id).in_(blob_ids)))).all()
    return {row.id: Blob(row.id, row.mime, row.data) for row in rows if row.id is not None}


async def blobs_of(uow: UnitOfWork, person_id: str) -> list[dict[str, object]]:
    """What is stored holding a person's data: for subject access (the bytes are not listed)."""
    rows = (
        await uow.session.exec(
            select(BlobRow).where(BlobRow.owner_id == person_id).order_by(col(BlobRow.id))
        )
    ).all()
    return [
        {
            "id": row.id,
            "mime": row.mime,
            "sha256": row.sha256,
            "bytes": len(row.data),
            "created_at": row.created_at.isoformat(),
        }
        for row in rows
    ]


async def erase_blobs_of(uow: UnitOfWork, person_id: str) -> int:
    """Remove every blob holding a person's data (their portfolios and exports)."""
    result = await uow.session.exec(delete(BlobRow).where(col(BlobRow.owner_id) == person_id))
    return int(result.rowcount or 0)
