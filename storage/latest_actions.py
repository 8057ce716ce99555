"""A practice's latest actions, newest first: the one statement builder that the practice
ranking's reads share (storage.practice_sizes.latest_words, storage.action_vectors.
practice_vectors, storage.practices_to_rank). Each practice's is a `LIMIT`ed walk of the
(practice_id, id) index backwards, so no read costs more as the year's actions grow.

PostgreSQL reads them through a LATERAL subquery joined ON true; SQLite has no LATERAL,
so it joins the actions themselves ON their id being in a correlated, `LIMIT`ed list of
the practice's latest ids. Either way the caller gets a from-clause with the actions'
columns (`.c.id`, ...) and the ON clause to join it to `practice` with.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from storage.tables import ActionRow, PracticeRow

_action: Any = ActionRow.__table__  # type: ignore[attr-defined]
_a = _action.c
_p = PracticeRow.__table__.c  # type: ignore[attr-defined]
# A practice's latest actions, newest first, by walking the index backwards (PostgreSQL
# needs the id in it; SQLite's ix_action_practice has the rowid already, either serves).
sa.Index("ix_action_practice_latest", _a.practice_id, _a.id)


def latest_actions(
    dialect: str, limit: str = "latest", *, name: str = "latest", columns: tuple[str, ...] = ("id",)
) -> tuple[Any, Any]:
    """The latest `:limit` (a bound parameter of that name) actions of the practice of
    the enclosing query, as (a from-clause with the actions' `columns`, the ON clause to
    join it to `practice` with). Order by its `.c.id` descending for newest first; `name`
    names PostgreSQL's subquery (two in one statement need two names). Build it once."""
    if dialect == "postgresql":
        latest = (
            sa.select(*(_a[column] for column in columns))
            .where(_a.practice_id == _p.id)
            .order_by(_a.id.desc())
            .limit(sa.bindparam(limit, type_=sa.Integer))
            .lateral(name)
        )
        return latest, sa.true()
    mine = _action.alias("mine")
    ids = (
        sa.select(mine.c.id)
        .where(mine.c.practice_id == _p.id)
        .order_by(mine.c.id.desc())
        .limit(sa.bindparam(limit, type_=sa.Integer))
        .correlate(PracticeRow.__table__)  # type: ignore[attr-defined]
    )
    return _action, _a.id.in_(ids)
