"""Subject access and erasure for issue 19b's tables (witness_statement, assessor_mark,
evidence_request, knowledge_skip), called from storage.privacy.

- `assessment_export(uow, person_id) -> dict[str, list[dict]]`: every row naming the
  person, as learner, witness or assessor.
- `forget_assessment_of(uow, person_id, alias) -> None`: what is about them as a learner
  goes (witness statements about their deeds, marks, requests, skipped questions); where
  they were someone else's witness or assessor, the row is kept under `alias`, so the
  other learner's portfolio keeps its evidence, unnamed.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from storage.assessment import assessor_mark_table, evidence_request_table, knowledge_skip_table
from storage.uow import UnitOfWork
from storage.witness import witness_statement_table

# Each table: the columns naming the person as its subject (deleted), then as its author
# (re-keyed).
_TABLES: tuple[tuple[sa.Table, str, str | None], ...] = (
    (witness_statement_table, "learner_id", "witness_id"),
    (assessor_mark_table, "learner_id", "assessor_id"),
    (evidence_request_table, "learner_id", "assessor_id"),
    (knowledge_skip_table, "person_id", None),
)


async def assessment_export(uow: UnitOfWork, person_id: str) -> dict[str, list[dict[str, Any]]]:
    connection = await uow.session.connection()
    found: dict[str, list[dict[str, Any]]] = {}
    for table, subject, author in _TABLES:
        columns = [table.c[subject], *([table.c[author]] if author else [])]
        rows = await connection.execute(
            sa.select(table).where(sa.or_(*(c == person_id for c in columns)))
        )
        found[table.name] = [
            {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in r._mapping.items()}
            for r in rows.all()
        ]
    return found


async def forget_assessment_of(uow: UnitOfWork, person_id: str, alias: str) -> None:
    for table, subject, author in _TABLES:
        await uow.session.exec(sa.delete(table).where(table.c[subject] == person_id))
        if author:
            await uow.session.exec(
                sa.update(table).where(table.c[author] == person_id).values({author: alias})
            )
