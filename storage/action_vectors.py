"""Each action's embedding (issue 17), stored once, when the action is saved, and read back
by the practice ranking: per practice, its latest actions' vectors.

A vector is float32 bytes (bot.domain.embedding), kept with the model that made it, so a
change of model is never mixed with the old vectors (they are simply not read).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import SQLModel, select

import bot.domain.embedding as embedding  # the model's name, and the vector of a text
from storage.latest_actions import latest_actions
from storage.tables import ActionRow, PracticeRow
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

action_vector_table = sa.Table(
    "action_vector",
    SQLModel.metadata,
    sa.Column(
        "action_id",
        sa.Integer,
        sa.ForeignKey("extra_mile_action.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("model", sa.String(60), nullable=False),
    sa.Column("vector", sa.LargeBinary, nullable=False),
)
_v = action_vector_table.c
_a = ActionRow.__table__.c  # type: ignore[attr-defined]
LATEST = 20  # a practice's vectors read for its centroid: its latest actions'
_p = PracticeRow.__table__.c  # type: ignore[attr-defined]


def _upsert(insert: Any) -> Any:
    statement = insert(action_vector_table).values(
        action_id=sa.bindparam("action"),
        model=sa.bindparam("by_model"),
        vector=sa.bindparam("bytes", type_=sa.LargeBinary),
    )
    return statement.on_conflict_do_update(
        index_elements=[_v.action_id],
        set_={"model": statement.excluded.model, "vector": statement.excluded.vector},
    )


def _practice_vectors(dialect: str) -> Any:
    """Each vector a primary-key lookup, driven from the latest actions (a join lets the
    planner scan action_vector instead, whose size grows with the year)."""
    practice = PracticeRow.__table__  # type: ignore[attr-defined]
    latest, on = latest_actions(dialect)
    vector = (
        select(_v.vector)
        .where(_v.action_id == latest.c.id, _v.model == sa.bindparam("model"))
        .scalar_subquery()
    )
    return (
        select(_p.id, vector)
        .select_from(practice.join(latest, on))
        .order_by(_p.id, latest.c.id.desc())
    )


# Built once: only their values change (issue 18: a save must not pay for building them).
_UPSERT = {"postgresql": _upsert(postgresql.insert), "sqlite": _upsert(sqlite.insert)}
_VECTOR_OF = select(_v.vector).where(
    _v.action_id == sa.bindparam("action_id"), _v.model == sa.bindparam("model")
)
_PRACTICE_VECTORS = {dialect: _practice_vectors(dialect) for dialect in ("postgresql", "sqlite")}
# Actions filed under a practice with no vector by `:model`, newest first (and under
# `:below`, for the batches after the first).
_MISSING = (
    select(_a.id, _a.extra)
    .outerjoin(action_vector_table, (_v.action_id == _a.id) & (_v.model == sa.bindparam("model")))
    .where(_a.practice_id.is_not(None), _v.action_id.is_(None))
    .order_by(_a.id.desc())
    .limit(sa.bindparam("limit", type_=sa.Integer))
)
_MISSING_BELOW = _MISSING.where(_a.id < sa.bindparam("below", type_=sa.Integer))
_WORDS_OF = select(_a.id, _a.extra).where(_a.id.in_(sa.bindparam("ids", expanding=True)))
BATCH = 20  # actions embedded per batch of the backfill job, the writer lock let go


async def remember_text(uow: UnitOfWork, action_id: int, text: str) -> bytes | None:
    """The action's vector: the one stored already, or worked out (off the event loop) and
    stored now. None when no embedding model is installed (nothing is stored)."""
    stored = await vector_of(uow, action_id)
    if stored is not None:
        return stored
    vector = await embedded(text)
    if vector is not None:
        await remember_vector(uow, action_id, vector)
    return vector


async def embedded(text: str) -> bytes | None:
    """The text's vector, worked out off the event loop (no transaction needed); None
    when no embedding model is installed."""
    return await asyncio.to_thread(embedding.embed, text)


async def remember_vector(uow: UnitOfWork, action_id: int, vector: bytes) -> None:
    """Store the action's vector by the current model (one another model made goes)."""
    await uow.session.exec(
        _UPSERT[uow.dialect],
        params={"action": action_id, "by_model": embedding.MODEL, "bytes": vector},
    )


async def vector_of(uow: UnitOfWork, action_id: int) -> bytes | None:
    found = await uow.session.exec(
        _VECTOR_OF, params={"action_id": action_id, "model": embedding.MODEL}
    )
    vector = found.first()
    return None if vector is None else bytes(vector)


async def practice_vectors(uow: UnitOfWork, latest: int = LATEST) -> dict[int, tuple[bytes, ...]]:
    """Per practice, the stored vectors of its latest `latest` actions (newest first; an
    action without one, saved while the model was missing, is skipped until the backfill,
    newest first, fills it in). A `LIMIT`ed index read per practice, so the cost never
    grows with the actions stored; each vector is a primary-key lookup (SQLite: driven
    from the actions, whatever the planner thinks of action_vector's size)."""
    rows = await uow.session.exec(
        _PRACTICE_VECTORS[uow.dialect], params={"latest": latest, "model": embedding.MODEL}
    )
    found: dict[int, list[bytes]] = {}
    for practice_id, vector in rows.all():
        if vector is not None:
            found.setdefault(int(practice_id), []).append(bytes(vector))
    return {practice_id: tuple(vectors) for practice_id, vectors in found.items()}


async def forget_vectors_of(uow: UnitOfWork, person_id: str) -> int:
    """Erasure: drop the vectors of the person's actions (they were worked out from their
    words as written; the ranking works out new ones from the scrubbed words if asked).
    Call before their actions are re-keyed to a pseudonym. Returns how many went."""
    mine = sa.select(_a.id).where(_a.person_id == person_id).scalar_subquery()
    result = await uow.session.exec(sa.delete(action_vector_table).where(_v.action_id.in_(mine)))
    return int(result.rowcount or 0)


async def backfill_vectors(uow: UnitOfWork, limit: int = 50) -> int:
    """Vectors for up to `limit` actions filed under a practice that have none yet (saved
    before vectors were kept, or while the model was missing), newest first. Returns how
    many were stored (0 without the model). See `backfill_batch`."""
    stored, _ = await backfill_batch(uow, limit)
    return stored


async def backfill_all(uow: UnitOfWork, batch: int = BATCH) -> int:
    """`backfill_batch` after `backfill_batch`, down the action ids, until none remain
    (each action is tried once a run: one whose words cannot be embedded, or changed while
    they were, waits for the next run). Returns how many were stored."""
    stored, below = await backfill_batch(uow, batch)
    total = stored
    while below is not None:
        stored, below = await backfill_batch(uow, batch, below=below)
        total += stored
    return total


async def backfill_batch(
    uow: UnitOfWork, limit: int, *, below: int | None = None
) -> tuple[int, int | None]:
    """Vectors for up to `limit` actions without one (ids under `below`, if given), newest
    first: how many were stored, and the id the next batch starts under (None: no more).
    The vectors are worked out with the unit of work's transaction committed and the
    SQLite writer lock let go (`UnitOfWork.released`), so nobody waits while they are;
    each is stored only if the action's words are still the ones embedded (an action
    erased or edited meanwhile is left for the next run)."""
    if not await asyncio.to_thread(embedding.available):
        return 0, None
    params: dict[str, object] = {"model": embedding.MODEL, "limit": limit}
    statement = _MISSING if below is None else _MISSING_BELOW
    if below is not None:
        params["below"] = below
    missing = (await uow.session.exec(statement, params=params)).all()
    if not missing:
        return 0, None
    worked_out: list[tuple[int, str, bytes | None]] = []
    async with uow.released():  # commits what came before
        for action_id, extra in missing:
            worked_out.append((int(action_id), extra, await _embedded(extra or "")))
    ids = [action_id for action_id, _, _ in worked_out]
    now = dict((await uow.session.exec(_WORDS_OF, params={"ids": ids})).all())
    stored = 0
    for action_id, extra, vector in worked_out:
        if vector is not None and action_id in now and now[action_id] == extra:
            await remember_vector(uow, action_id, vector)
            stored += 1
    return stored, (worked_out[-1][0] if len(missing) == limit else None)


async def _embedded(text: str) -> bytes | None:
    """The text's vector; None if the model fails on it (logged; tried again next run)."""
    try:
        return await embedded(text)
    except Exception:
        log.warning("no vector for an action's words; tried again next run", exc_info=True)
        return None
