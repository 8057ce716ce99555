"""Feasibility requests: created with their action, decided by a conditional update."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from sqlalchemy import update
from sqlmodel import col, select

from bot.domain.actions import OPEN_REQUEST, ActionStatus, RequestStatus
from bot.domain.approvers import Availability
from bot.domain.feasibility import Answer, FeasibilityCheck
from bot.domain.records import RequestView
from storage.tables import ActionRow, FeasibilityRequestRow, PersonRow
from storage.uow import UnitOfWork


async def create_request(
    uow: UnitOfWork,
    *,
    action_id: int,
    requester_id: str,
    approver_id: str,
    check: FeasibilityCheck,
    explanation: str,
    now: datetime,
) -> int:
    row = FeasibilityRequestRow(
        action_id=action_id,
        requester_id=requester_id,
        approver_id=approver_id,
        within_authority=check.within_authority.value,
        within_guidelines=check.within_guidelines.value,
        within_regulations=check.within_regulations.value,
        affects_others=check.affects_others.value,
        cost=check.cost,
        minutes=check.minutes,
        explanation=explanation,
        card_sent_to=[approver_id],
        created_at=now,
    )
    uow.session.add(row)
    await uow.session.flush()
    assert row.id is not None
    return row.id


async def get_request(uow: UnitOfWork, request_id: int) -> RequestView | None:
    query = (
        select(FeasibilityRequestRow, ActionRow)
        .join(ActionRow, col(ActionRow.id) == FeasibilityRequestRow.action_id)
        .where(FeasibilityRequestRow.id == request_id)
    )
    found = (await uow.session.exec(query)).first()
    return _view(*found) if found else None


async def open_requests(uow: UnitOfWork, approver_id: str | None = None) -> list[RequestView]:
    """Open requests, oldest first; all of them, or one approver's."""
    query = (
        select(FeasibilityRequestRow, ActionRow)
        .join(ActionRow, col(ActionRow.id) == FeasibilityRequestRow.action_id)
        .where(col(FeasibilityRequestRow.status).in_(OPEN_REQUEST))
        .order_by(col(FeasibilityRequestRow.created_at), col(FeasibilityRequestRow.id))
    )
    if approver_id is not None:
        query = query.where(FeasibilityRequestRow.approver_id == approver_id)
    return [_view(*row) for row in (await uow.session.exec(query)).all()]


async def decide(
    uow: UnitOfWork,
    request_id: int,
    *,
    status: Literal[RequestStatus.APPROVED, RequestStatus.DECLINED],
    by: str,
    reason: str | None,
    now: datetime,
) -> bool:
    """Approve or decline, if nobody has yet. One conditional UPDATE: on any database,
    of two deciders at once exactly one sees a row change; the other gets False."""
    result = await uow.session.exec(
        update(FeasibilityRequestRow)
        .where(col(FeasibilityRequestRow.id) == request_id)
        .where(col(FeasibilityRequestRow.status).in_(OPEN_REQUEST))
        .values(status=status, decided_by=by, decided_at=now, decision_reason=reason)
    )
    if result.rowcount != 1:
        return False
    request = await uow.session.get(FeasibilityRequestRow, request_id)
    assert request is not None
    await uow.session.exec(
        update(ActionRow)
        .where(col(ActionRow.id) == request.action_id)
        .values(status=ActionStatus(status.value), updated_at=now)
    )
    return True


async def ask_more(uow: UnitOfWork, request_id: int, *, by: str, question: str) -> bool:
    """Ask the requester a question; only while the request is pending."""
    result = await uow.session.exec(
        update(FeasibilityRequestRow)
        .where(col(FeasibilityRequestRow.id) == request_id)
        .where(col(FeasibilityRequestRow.status) == RequestStatus.PENDING)
        .values(status=RequestStatus.INFO_REQUESTED, question=question, answer=None)
    )
    return result.rowcount == 1


async def answer_question(uow: UnitOfWork, request_id: int, *, answer: str) -> bool:
    result = await uow.session.exec(
        update(FeasibilityRequestRow)
        .where(col(FeasibilityRequestRow.id) == request_id)
        .where(col(FeasibilityRequestRow.status) == RequestStatus.INFO_REQUESTED)
        .values(status=RequestStatus.PENDING, answer=answer)
    )
    return result.rowcount == 1


async def reassign(
    uow: UnitOfWork, request_id: int, *, to: str, escalated_at: datetime | None = None
) -> None:
    row = await uow.session.get(FeasibilityRequestRow, request_id)
    assert row is not None
    row.approver_id = to
    row.card_sent_to = [*row.card_sent_to, to] if to not in row.card_sent_to else row.card_sent_to
    if escalated_at is not None:
        row.escalated_at = escalated_at
    uow.session.add(row)


async def mark_reminded(uow: UnitOfWork, request_id: int, at: datetime) -> None:
    row = await uow.session.get(FeasibilityRequestRow, request_id)
    assert row is not None
    row.reminded_at = at
    uow.session.add(row)


async def set_away(
    uow: UnitOfWork, person_id: str, *, until: date | None, delegate: str | None
) -> None:
    row = await uow.session.get(PersonRow, person_id)
    assert row is not None
    row.away_until = until
    row.delegate_id = delegate
    uow.session.add(row)


async def stored_availability(uow: UnitOfWork) -> dict[str, Availability]:
    """Away dates and delegates said in chat (the organisation file's are merged by the caller)."""
    rows = (await uow.session.exec(select(PersonRow))).all()
    return {row.id: Availability(row.away_until, row.delegate_id) for row in rows}


def _view(request: FeasibilityRequestRow, action: ActionRow) -> RequestView:
    assert request.id is not None and action.id is not None
    check = FeasibilityCheck(
        cost=request.cost if request.cost is not None else Decimal("0"),
        minutes=request.minutes or 0,
        within_authority=Answer(request.within_authority),
        within_guidelines=Answer(request.within_guidelines),
        within_regulations=Answer(request.within_regulations),
        affects_others=Answer(request.affects_others),
    )
    return RequestView(
        id=request.id,
        action_id=action.id,
        requester_id=request.requester_id,
        approver_id=request.approver_id,
        status=RequestStatus(request.status),
        check=check,
        explanation=request.explanation,
        question=request.question,
        answer=request.answer,
        decided_by=request.decided_by,
        decided_at=request.decided_at,
        reason=request.decision_reason,
        created_at=request.created_at,
        card_sent_to=tuple(request.card_sent_to),
        reminded_at=request.reminded_at,
        escalated_at=request.escalated_at,
        customer_need=action.customer_need,
        offer_item_id=action.offer_item_id,
        extra=action.extra,
        occurred_on=action.occurred_on,
    )
