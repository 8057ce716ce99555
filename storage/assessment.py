"""An assessor's marks and evidence requests, and a learner's skipped knowledge questions
(issue 19).

Tables `assessor_mark`, `evidence_request` and `knowledge_skip` (migration 0013). Every
function takes a UnitOfWork and returns records from bot.domain.assessment; nothing
commits.

Read API for the portfolio's matrix
- `current_marks(uow, learner_id) -> dict[str, AssessorMark]`: the assessor's latest mark
  per criterion code ("P1", "K2", "4.3"): status met / not yet / needs more, the comment,
  who marked it and when. Criteria never marked are absent.
- `marks_of(uow, learner_id) -> list[AssessorMark]`: every mark, oldest first (the
  history behind the current ones).
- `portfolio_marks(uow, learner_id) -> list[bot.domain.evidence.Mark]`: every mark as the
  portfolio's matrix reads it (storage.portfolio.assessor_marks_of): the assessor by name,
  dated; the matrix keeps the latest per criterion.
- `requests_of(uow, learner_id) -> list[EvidenceRequest]`: the evidence the assessor asked
  for, oldest first; an answered one has `statement_id` (the learner's words are that
  storage.evidence statement, kind knowledge, `criterion` as the request named it) and
  `answered_at`.

Writes
- `add_mark(uow, ...) -> AssessorMark`, `add_request(uow, ...) -> EvidenceRequest`,
  `get_request(uow, request_id)`, `answer_request(uow, request_id, statement_id, at) ->
  bool` (once), `skip_question(uow, person_id, criterion, at)`, `skipped(uow, person_id)
  -> dict[str, datetime]` (the latest skip per criterion).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import SQLModel
from sqlmodel.sql.sqltypes import UTCDateTime

from bot.domain.assessment import AssessorMark, EvidenceRequest, MarkStatus
from bot.domain.evidence import Mark
from storage.people import names_of
from storage.uow import UnitOfWork

assessor_mark_table = sa.Table(
    "assessor_mark",
    SQLModel.metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("learner_id", sa.String(63), sa.ForeignKey("person.id"), nullable=False),
    sa.Column("assessor_id", sa.String(63), sa.ForeignKey("person.id"), nullable=False),
    sa.Column("criterion", sa.String(10), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("comment", sa.Text, nullable=False, server_default=""),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Index("ix_assessor_mark_learner", "learner_id", "created_at"),
)
evidence_request_table = sa.Table(
    "evidence_request",
    SQLModel.metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("learner_id", sa.String(63), sa.ForeignKey("person.id"), nullable=False),
    sa.Column("assessor_id", sa.String(63), sa.ForeignKey("person.id"), nullable=False),
    sa.Column("criterion", sa.String(10), nullable=False, server_default=""),
    sa.Column("what", sa.Text, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("statement_id", sa.Integer, nullable=True),
    sa.Column("answered_at", UTCDateTime, nullable=True),
    sa.Index("ix_evidence_request_learner", "learner_id", "created_at"),
)
knowledge_skip_table = sa.Table(
    "knowledge_skip",
    SQLModel.metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("person_id", sa.String(63), sa.ForeignKey("person.id"), nullable=False),
    sa.Column("criterion", sa.String(10), nullable=False),
    sa.Column("skipped_at", UTCDateTime, nullable=False),
    sa.Index("ix_knowledge_skip_person", "person_id"),
)
_m, _r, _k = assessor_mark_table.c, evidence_request_table.c, knowledge_skip_table.c


async def add_mark(
    uow: UnitOfWork,
    *,
    learner_id: str,
    assessor_id: str,
    criterion: str,
    status: MarkStatus,
    comment: str,
    at: datetime,
) -> AssessorMark:
    values = {
        "learner_id": learner_id,
        "assessor_id": assessor_id,
        "criterion": criterion,
        "status": status.value,
        "comment": comment,
        "created_at": at,
    }
    result = await uow.session.exec(
        sa.insert(assessor_mark_table).values(**values).returning(_m.id)
    )
    return _mark({"id": result.scalar_one(), **values})


async def marks_of(uow: UnitOfWork, learner_id: str) -> list[AssessorMark]:
    rows = await _rows(
        uow,
        sa.select(assessor_mark_table)
        .where(_m.learner_id == learner_id)
        .order_by(_m.created_at, _m.id),
    )
    return [_mark(row) for row in rows]


async def portfolio_marks(uow: UnitOfWork, learner_id: str) -> list[Mark]:
    marks = await marks_of(uow, learner_id)
    names = await names_of(uow, {m.assessor_id for m in marks})
    return [
        Mark(
            criterion=m.criterion,
            mark=m.status.value,
            comment=m.comment,
            assessor=names.get(m.assessor_id, m.assessor_id),
            on=m.created_at.date(),
        )
        for m in marks
    ]


async def current_marks(uow: UnitOfWork, learner_id: str) -> dict[str, AssessorMark]:
    return {mark.criterion: mark for mark in await marks_of(uow, learner_id)}


async def add_request(
    uow: UnitOfWork,
    *,
    learner_id: str,
    assessor_id: str,
    criterion: str,
    what: str,
    at: datetime,
) -> EvidenceRequest:
    values = {
        "learner_id": learner_id,
        "assessor_id": assessor_id,
        "criterion": criterion,
        "what": what,
        "created_at": at,
    }
    result = await uow.session.exec(
        sa.insert(evidence_request_table).values(**values).returning(_r.id)
    )
    return _request({"id": result.scalar_one(), **values})


async def get_request(uow: UnitOfWork, request_id: int) -> EvidenceRequest | None:
    rows = await _rows(uow, sa.select(evidence_request_table).where(_r.id == request_id))
    return _request(rows[0]) if rows else None


async def requests_of(uow: UnitOfWork, learner_id: str) -> list[EvidenceRequest]:
    rows = await _rows(
        uow,
        sa.select(evidence_request_table)
        .where(_r.learner_id == learner_id)
        .order_by(_r.created_at, _r.id),
    )
    return [_request(row) for row in rows]


async def answer_request(uow: UnitOfWork, request_id: int, statement_id: int, at: datetime) -> bool:
    """Link the learner's statement to the request; False if it was answered already."""
    result = await uow.session.exec(
        sa.update(evidence_request_table)
        .where(_r.id == request_id, _r.statement_id.is_(None))
        .values(statement_id=statement_id, answered_at=at)
    )
    return bool(result.rowcount == 1)


async def skip_question(uow: UnitOfWork, person_id: str, criterion: str, at: datetime) -> None:
    await uow.session.exec(
        sa.insert(knowledge_skip_table).values(
            person_id=person_id, criterion=criterion, skipped_at=at
        )
    )


async def skipped(uow: UnitOfWork, person_id: str) -> dict[str, datetime]:
    rows = await _rows(
        uow,
        sa.select(_k.criterion, sa.func.max(_k.skipped_at, type_=_k.skipped_at.type).label("at"))
        .where(_k.person_id == person_id)
        .group_by(_k.criterion),
    )
    return {str(row["criterion"]): row["at"] for row in rows}


async def _rows(uow: UnitOfWork, query: Any) -> list[Mapping[str, Any]]:
    connection = await uow.session.connection()
    return [dict(row._mapping) for row in (await connection.execute(query)).all()]


def _mark(row: Mapping[str, Any]) -> AssessorMark:
    return AssessorMark(
        id=int(row["id"]),
        learner_id=str(row["learner_id"]),
        assessor_id=str(row["assessor_id"]),
        criterion=str(row["criterion"]),
        status=MarkStatus(row["status"]),
        comment=str(row["comment"]),
        created_at=row["created_at"],
    )


def _request(row: Mapping[str, Any]) -> EvidenceRequest:
    return EvidenceRequest(
        id=int(row["id"]),
        learner_id=str(row["learner_id"]),
        assessor_id=str(row["assessor_id"]),
        criterion=str(row["criterion"]),
        what=str(row["what"]),
        created_at=row["created_at"],
        statement_id=row.get("statement_id"),
        answered_at=row.get("answered_at"),
    )
