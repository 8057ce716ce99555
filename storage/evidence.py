"""Evidence statements (issue 19): a learner's own words, asked in chat, stored redacted.

Table `evidence_statement` (migration 0011). Every function takes a UnitOfWork and returns
records from bot.domain.statements; nothing commits.

API
- `add_statement(uow, person_id, kind, answer, *, question="", action_id=None,
  criterion="", at=None) -> Statement`: stores one statement. `answer` is redacted with
  bot.domain.redaction.redact before it is stored (the returned record holds the stored
  words); `question` defaults to the bot's question for the kind (QUESTIONS) when one is
  known. A blank answer is refused (ValueError): nothing is stored for "skipped".
  `criterion` names the criterion when the kind does not say it ("K4" on a REASONING
  statement, "K2" or "4.3" on a KNOWLEDGE answer); "" otherwise.
- `statements_of(uow, person_id) -> list[Statement]`: all of a learner's statements,
  oldest first (a later answer to the same question is kept too; the portfolio reads
  `bot.domain.statements.latest`).
- `statements_on(uow, action_ids) -> dict[int, list[Statement]]`: the statements about
  these actions, oldest first, by action.
- `kinds_given(uow, action_id) -> set[StatementKind]`: which kinds an action has (what
  the action's view still offers to ask).
- `forget_statements_of(uow, person_id) -> int`: erasure; how many were removed.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import SQLModel, select
from sqlmodel.sql.sqltypes import UTCDateTime

from bot.domain.redaction import redact
from bot.domain.statements import QUESTIONS, Statement, StatementKind
from storage.database import utc_now
from storage.uow import UnitOfWork

evidence_statement_table = sa.Table(
    "evidence_statement",
    SQLModel.metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("person_id", sa.String(63), sa.ForeignKey("person.id"), nullable=False),
    sa.Column(
        "action_id",
        sa.Integer,
        sa.ForeignKey("extra_mile_action.id", ondelete="CASCADE"),
        nullable=True,
    ),
    sa.Column("kind", sa.String(30), nullable=False),
    sa.Column("criterion", sa.String(10), nullable=False, server_default=""),
    sa.Column("question", sa.Text, nullable=False),
    sa.Column("answer", sa.Text, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Index("ix_evidence_statement_person", "person_id", "created_at"),
    sa.Index("ix_evidence_statement_action", "action_id"),
)
_s = evidence_statement_table.c


async def add_statement(
    uow: UnitOfWork,
    person_id: str,
    kind: StatementKind,
    answer: str,
    *,
    question: str = "",
    action_id: int | None = None,
    criterion: str = "",
    at: datetime | None = None,
) -> Statement:
    words = redact(answer.strip())
    if not words:
        raise ValueError("a statement needs the learner's words")
    values = {
        "person_id": person_id,
        "action_id": action_id,
        "kind": kind.value,
        "criterion": criterion,
        "question": question or QUESTIONS.get(kind, ""),
        "answer": words,
        "created_at": at or utc_now(),
    }
    result = await uow.session.exec(
        sa.insert(evidence_statement_table).values(**values).returning(_s.id)
    )
    new_id = int(result.scalar_one())
    return _record({"id": new_id, **values})


async def statements_of(uow: UnitOfWork, person_id: str) -> list[Statement]:
    connection = await uow.session.connection()
    rows = await connection.execute(
        sa.select(evidence_statement_table)
        .where(_s.person_id == person_id)
        .order_by(_s.created_at, _s.id)
    )
    return [_record(row._mapping) for row in rows.all()]


async def statements_on(uow: UnitOfWork, action_ids: list[int]) -> dict[int, list[Statement]]:
    if not action_ids:
        return {}
    connection = await uow.session.connection()
    rows = await connection.execute(
        sa.select(evidence_statement_table)
        .where(_s.action_id.in_(action_ids))
        .order_by(_s.created_at, _s.id)
    )
    found: dict[int, list[Statement]] = {}
    for row in rows.all():
        record = _record(row._mapping)
        if record.action_id is not None:
            found.setdefault(record.action_id, []).append(record)
    return found


async def kinds_given(uow: UnitOfWork, action_id: int) -> set[StatementKind]:
    rows = await uow.session.exec(select(_s.kind).where(_s.action_id == action_id).distinct())
    return {StatementKind(kind) for kind in rows.all()}


async def forget_statements_of(uow: UnitOfWork, person_id: str) -> int:
    result = await uow.session.exec(
        sa.delete(evidence_statement_table).where(_s.person_id == person_id)
    )
    return int(result.rowcount or 0)


def _record(row: Mapping[Any, Any]) -> Statement:
    get = row.__getitem__
    return Statement(
        id=int(get("id")),
        person_id=str(get("person_id")),
        action_id=get("action_id"),
        kind=StatementKind(get("kind")),
        criterion=str(get("criterion")),
        question=str(get("question")),
        answer=str(get("answer")),
        created_at=get("created_at"),
    )
