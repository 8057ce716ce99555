"""Keys the application generates for itself, once per database.

The first process to need one makes it and stores it; every other worker, and every
restart, reads the same one. Two processes starting at once both try to insert
(INSERT ... ON CONFLICT DO NOTHING), then both read whichever insert won: the loser's
insert waits for the winner's transaction, and its next statement sees the winner's row.
"""

from __future__ import annotations

import base64
import secrets

from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import select

from storage.database import utc_now
from storage.tables import AppSecretRow
from storage.uow import UnitOfWork

KEY_BYTES = 32


async def stored_secret(uow: UnitOfWork, name: str) -> bytes:
    """The key called `name`: 32 random bytes, generated and stored the first time (the
    caller commits)."""
    found = await _read(uow, name)
    if found is not None:
        return found
    value = base64.urlsafe_b64encode(secrets.token_bytes(KEY_BYTES)).decode()
    insert = postgresql_insert if uow.dialect == "postgresql" else sqlite_insert
    await uow.session.exec(
        insert(AppSecretRow.__table__)  # type: ignore[attr-defined]
        .values(name=name, value=value, created_at=utc_now())
        .on_conflict_do_nothing(index_elements=["name"])
    )
    stored = await _read(uow, name)
    if stored is None:  # pragma: no cover - the row was just written
        raise RuntimeError(f"the {name!r} key was not stored")
    return stored


async def _read(uow: UnitOfWork, name: str) -> bytes | None:
    value = (
        await uow.session.exec(select(AppSecretRow.value).where(AppSecretRow.name == name))
    ).first()
    return None if value is None else base64.urlsafe_b64decode(value)
