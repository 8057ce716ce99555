"""What the practice ranking reads after a save, in one prebuilt statement: each
practice's title, size and latest words, and the stored vectors of its latest actions
(bot.features.nominations.practices)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy import func

import bot.domain.embedding as embedding  # the model whose vectors are read
from bot.domain.records import PracticeView
from storage.action_vectors import action_vector_table
from storage.latest_actions import latest_actions
from storage.practice_sizes import practice_size_table
from storage.tables import PracticeRow
from storage.uow import UnitOfWork


def _to_rank(dialect: str, *, vectors: bool) -> Any:
    """Rows of two kinds, by practice, newest first. Words: each practice not merged away
    (id, title, size) once per one of its latest `:examples` actions (its words), or once
    with NULLs if it has none. Vectors (if `vectors`): (id, the action, its vector by
    `:model`) for those of its latest `:latest` actions that have one."""
    practice: Any = PracticeRow.__table__  # type: ignore[attr-defined]
    p, s, v = practice.c, practice_size_table.c, action_vector_table.c
    ours = v.model == sa.bindparam("model")
    sized = practice.outerjoin(practice_size_table, s.practice_id == p.id)
    size = func.coalesce(s.actions, 0)
    recent, recent_on = latest_actions(dialect, "examples", name="recent", columns=("id", "extra"))
    words = sa.select(
        p.id, p.title, size, recent.c.id.label("action"), recent.c.extra, sa.null()
    ).select_from(sized.outerjoin(recent, recent_on))
    latest, latest_on = latest_actions(dialect)
    if dialect == "postgresql":
        stored = (
            sa.select(p.id, sa.null(), sa.null(), latest.c.id, sa.null(), v.vector)
            .select_from(
                practice.join(latest, latest_on).join(
                    action_vector_table, (v.action_id == latest.c.id) & ours
                )
            )
            .where(p.merged_into.is_(None))
        )
    else:
        # Each vector a primary-key lookup, driven from the actions (a join lets SQLite's
        # planner scan action_vector instead, whose size grows with the year).
        vector = sa.select(v.vector).where(v.action_id == latest.c.id, ours).scalar_subquery()
        found = (
            sa.select(p.id, latest.c.id.label("action"), vector.label("vector"))
            .select_from(practice.join(latest, latest_on))
            .where(p.merged_into.is_(None))
            .subquery("found")
        )
        stored = sa.select(
            found.c.id, sa.null(), sa.null(), found.c.action, sa.null(), found.c.vector
        ).where(found.c.vector.is_not(None))
    words = words.where(p.merged_into.is_(None))
    if not vectors:
        return words.order_by(p.id, sa.literal_column("action").desc())
    both = sa.union_all(words, stored).subquery()
    return sa.select(both).order_by(both.c[0], both.c[3].desc())


# Built once, per dialect, with and without the vectors: only their values change.
_TO_RANK = {
    (dialect, vectors): _to_rank(dialect, vectors=vectors)
    for dialect in ("postgresql", "sqlite")
    for vectors in (True, False)
}


async def practices_to_rank(
    uow: UnitOfWork, examples: int = 5, vectors: int = 0
) -> tuple[list[PracticeView], dict[int, tuple[bytes, ...]]]:
    """What the ranking reads after a save, in one statement: `practices(uow, examples)`
    and, if `vectors`, `storage.action_vectors.practice_vectors(uow, vectors)` (per
    practice, the stored vectors of its latest `vectors` actions). Each practice's a
    `LIMIT`ed index read, so the cost never grows with the actions stored, and only the
    vectors there are come back."""
    rows = await uow.session.exec(
        _TO_RANK[uow.dialect, vectors > 0],
        params={"examples": max(examples, 0), "latest": vectors, "model": embedding.MODEL},
    )
    heads: dict[int, tuple[str, int]] = {}
    texts: dict[int, list[str]] = {}
    stored: dict[int, list[bytes]] = {}
    for id_, title, size, _, extra, vector in rows.all():
        practice_id = int(id_)
        if vector is not None:
            stored.setdefault(practice_id, []).append(bytes(vector))
            continue
        if practice_id not in heads:
            heads[practice_id], texts[practice_id] = (title, int(size)), []
        if extra is not None:  # else a practice without actions
            texts[practice_id].append(extra)
    views = [PracticeView(i, t, tuple(texts[i]), n) for i, (t, n) in heads.items()]
    return views, {i: tuple(v) for i, v in stored.items() if i in heads}
