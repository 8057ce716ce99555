"""Witness statements (issue 19): a learner's supervisor, or a colleague they name, asked in
chat whether they saw a deed; and the approval exchanges kept as P9 evidence.

Table `witness_statement` (migration 0013): one row per (action, witness), made when the
witness is asked, answered once. Every function takes a UnitOfWork and returns records from
bot.domain.assessment; nothing commits.

Read API for the portfolio
- `witness_statements_of(uow, learner_id) -> list[WitnessStatement]`: every witness asked
  about the learner's actions, oldest first, answered or not. A statement is evidence when
  `is_evidence` (answered "I saw it" or "I can confirm it"); it is dated (`answered_at`),
  names its witness (`witness_id`; their name from the organisation file), their role
  (`witness_role`, as the file gave it when asked), who they are to the learner
  (`relation`: supervisor or colleague) and how they know (`answer.how_known`), with
  their optional sentence (`words`, redacted).
- `witness_statements_on(uow, action_ids) -> dict[int, list[WitnessStatement]]`: the same,
  by action.
- `portfolio_witness_data(uow, learner_id) -> PortfolioWitnessData`: what the portfolio's
  witnesses are made from, as plain data: the statements that are evidence, the
  approvals' exchanges (storage.exchanges.approval_exchanges) and the names of the
  people in them. Their wording (roles, how they know, the exchange in sentences) is
  the bot's: bot.domain.witnesses, called by bot.reports.portfolio.
- `storage.exchanges.approval_exchanges(uow, learner_id)`: the approvals' exchanges (P9).

Writes (the witness feature's)
- `ask(uow, ...) -> WitnessStatement | None`: None if that witness was asked before.
- `get_statement(uow, statement_id)`, `answer(uow, statement_id, answer, at) -> bool`
  (first answer wins), `add_words(uow, statement_id, words) -> bool` (once, after the
  answer; redacted), `asked_on(uow, action_id) -> list[WitnessStatement]`,
  `witnessed_action(uow, action_id)`: what the witness is shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import SQLModel
from sqlmodel.sql.sqltypes import UTCDateTime

from bot.domain.assessment import (
    Exchange,
    WitnessAnswer,
    WitnessedAction,
    WitnessRelation,
    WitnessStatement,
)
from bot.domain.redaction import redact
from storage.exchanges import approval_exchanges
from storage.people import names_of
from storage.tables import ActionRow
from storage.uow import UnitOfWork

witness_statement_table = sa.Table(
    "witness_statement",
    SQLModel.metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "action_id",
        sa.Integer,
        sa.ForeignKey("extra_mile_action.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("learner_id", sa.String(63), sa.ForeignKey("person.id"), nullable=False),
    sa.Column("witness_id", sa.String(63), sa.ForeignKey("person.id"), nullable=False),
    sa.Column("relation", sa.String(20), nullable=False),
    sa.Column("witness_role", sa.String(20), nullable=False),
    sa.Column("asked_at", UTCDateTime, nullable=False),
    sa.Column("answer", sa.String(20), nullable=True),
    sa.Column("words", sa.Text, nullable=False, server_default=""),
    sa.Column("answered_at", UTCDateTime, nullable=True),
    sa.UniqueConstraint("action_id", "witness_id", name="uq_witness_statement_action_witness"),
    sa.Index("ix_witness_statement_learner", "learner_id", "asked_at"),
)
_w = witness_statement_table.c
_ASK = {
    dialect: insert(witness_statement_table)
    .on_conflict_do_nothing(index_elements=["action_id", "witness_id"])
    .returning(_w.id)
    for dialect, insert in (("postgresql", postgresql_insert), ("sqlite", sqlite_insert))
}


async def ask(
    uow: UnitOfWork,
    *,
    action_id: int,
    learner_id: str,
    witness_id: str,
    relation: WitnessRelation,
    witness_role: str,
    at: datetime,
) -> WitnessStatement | None:
    """Record that `witness_id` is asked about the action; None if they were before."""
    values = {
        "action_id": action_id,
        "learner_id": learner_id,
        "witness_id": witness_id,
        "relation": relation.value,
        "witness_role": witness_role,
        "asked_at": at,
        "words": "",
    }
    new_id = (await uow.session.exec(_ASK[uow.dialect].values(**values))).scalar_one_or_none()
    if new_id is None:
        return None
    return _record({"id": new_id, "answer": None, "answered_at": None, **values})


async def get_statement(uow: UnitOfWork, statement_id: int) -> WitnessStatement | None:
    found = await _select(uow, _w.id == statement_id)
    return found[0] if found else None


async def asked_on(uow: UnitOfWork, action_id: int) -> list[WitnessStatement]:
    return await _select(uow, _w.action_id == action_id)


async def witnessed_action(uow: UnitOfWork, action_id: int) -> WitnessedAction | None:
    row = await uow.session.get(ActionRow, action_id)
    if row is None or row.id is None:
        return None
    return WitnessedAction(row.id, row.person_id, row.extra, row.customer_need, row.occurred_on)


async def answer(uow: UnitOfWork, statement_id: int, given: WitnessAnswer, at: datetime) -> bool:
    """The witness's tap; False if it was answered already (nothing changes)."""
    result = await uow.session.exec(
        sa.update(witness_statement_table)
        .where(_w.id == statement_id, _w.answer.is_(None))
        .values(answer=given.value, answered_at=at)
    )
    return bool(result.rowcount == 1)


async def add_words(uow: UnitOfWork, statement_id: int, words: str) -> bool:
    """The witness's sentence, redacted; once, after their answer. False otherwise."""
    result = await uow.session.exec(
        sa.update(witness_statement_table)
        .where(_w.id == statement_id, _w.answer.is_not(None), _w.words == "")
        .values(words=redact(words.strip()))
    )
    return bool(result.rowcount == 1)


async def witness_statements_of(uow: UnitOfWork, learner_id: str) -> list[WitnessStatement]:
    return await _select(uow, _w.learner_id == learner_id)


async def witness_statements_on(
    uow: UnitOfWork, action_ids: list[int]
) -> dict[int, list[WitnessStatement]]:
    found: dict[int, list[WitnessStatement]] = {}
    if action_ids:
        for statement in await _select(uow, _w.action_id.in_(action_ids)):
            found.setdefault(statement.action_id, []).append(statement)
    return found


@dataclass(frozen=True, slots=True)
class PortfolioWitnessData:
    """What the portfolio's witnesses are worded from (bot.domain.witnesses)."""

    statements: tuple[WitnessStatement, ...]  # the learner's that are evidence, oldest first
    exchanges: dict[int, list[Exchange]]  # by action: each approval's dated steps
    names: dict[str, str]  # person id -> name, for the people in either


async def portfolio_witness_data(uow: UnitOfWork, learner_id: str) -> PortfolioWitnessData:
    """The learner's witness statements that are evidence, their approvals' exchanges and
    the names of the people in them: plain data, worded by bot.domain.witnesses."""
    statements = [s for s in await witness_statements_of(uow, learner_id) if s.is_evidence]
    exchanges = await approval_exchanges(uow, learner_id)
    who = {s.witness_id for s in statements}
    who |= {step.by for steps in exchanges.values() for step in steps}
    return PortfolioWitnessData(tuple(statements), exchanges, await names_of(uow, who))


async def _select(uow: UnitOfWork, *where: Any) -> list[WitnessStatement]:
    connection = await uow.session.connection()
    rows = await connection.execute(
        sa.select(witness_statement_table).where(*where).order_by(_w.asked_at, _w.id)
    )
    return [_record(row._mapping) for row in rows.all()]


def _record(row: Mapping[Any, Any]) -> WitnessStatement:
    get = row.__getitem__
    given = get("answer")
    return WitnessStatement(
        id=int(get("id")),
        action_id=int(get("action_id")),
        learner_id=str(get("learner_id")),
        witness_id=str(get("witness_id")),
        relation=WitnessRelation(get("relation")),
        witness_role=str(get("witness_role")),
        asked_at=get("asked_at"),
        answer=WitnessAnswer(given) if given else None,
        words=str(get("words") or ""),
        answered_at=get("answered_at"),
    )
