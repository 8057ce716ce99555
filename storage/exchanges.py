"""The exchange of a learner's feasibility requests, kept as P9 evidence (issue 19b):
explaining an idea to a senior colleague.

- `approval_exchanges(uow, learner_id) -> dict[int, list[Exchange]]`: by action, the dated
  steps of each of the learner's requests, oldest request first: the approver's question
  and the learner's answer (Ask for more info; feasibility_request keeps only the latest
  pair, dated from the audit log's request.asked and request.answered) and the decision
  with its comment (decided_at). Nothing for a request still waiting with no question.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from bot.domain.assessment import Exchange, ExchangeKind
from storage.tables import ActionRow, AuditLogRow, FeasibilityRequestRow
from storage.uow import UnitOfWork


async def approval_exchanges(uow: UnitOfWork, learner_id: str) -> dict[int, list[Exchange]]:
    request = FeasibilityRequestRow.__table__.c  # type: ignore[attr-defined]
    action = ActionRow.__table__.c  # type: ignore[attr-defined]
    connection = await uow.session.connection()
    rows = (
        await connection.execute(
            sa.select(request)
            .join(ActionRow.__table__, action.id == request.action_id)  # type: ignore[attr-defined]
            .where(action.person_id == learner_id)
            .order_by(request.created_at, request.id)
        )
    ).all()
    asked = await _audited(uow, [str(row.id) for row in rows])
    found: dict[int, list[Exchange]] = {}
    for row in rows:
        found[row.action_id] = found.get(row.action_id, []) + _exchange(row, asked)
    return found


def _exchange(row: Any, asked: Mapping[tuple[str, str], datetime]) -> list[Exchange]:
    steps: list[Exchange] = []
    key = str(row.id)
    if row.question:
        when = asked.get((key, "request.asked"))
        steps.append(
            Exchange(
                row.action_id, row.id, ExchangeKind.QUESTION, row.approver_id, row.question, when
            )
        )
        if row.answer:
            when = asked.get((key, "request.answered"))
            steps.append(
                Exchange(
                    row.action_id, row.id, ExchangeKind.ANSWER, row.requester_id, row.answer, when
                )
            )
    if row.decided_at is not None:
        steps.append(
            Exchange(
                row.action_id,
                row.id,
                ExchangeKind.DECISION,
                row.decided_by or "",
                row.decision_reason or "",
                row.decided_at,
                outcome=row.status,
            )
        )
    return steps


async def _audited(uow: UnitOfWork, request_ids: list[str]) -> dict[tuple[str, str], datetime]:
    """When each request's latest question was asked and answered, from the audit log."""
    if not request_ids:
        return {}
    log = AuditLogRow.__table__.c  # type: ignore[attr-defined]
    connection = await uow.session.connection()
    rows = await connection.execute(
        sa.select(log.subject_id, log.action, sa.func.max(log.at, type_=log.at.type))
        .where(
            log.subject_type == "request",
            log.subject_id.in_(request_ids),
            log.action.in_(("request.asked", "request.answered")),
        )
        .group_by(log.subject_id, log.action)
    )
    return {(str(subject), str(action)): at for subject, action, at in rows.all()}
