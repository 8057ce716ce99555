"""Follow-ups on actions: which are due, and the answers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlmodel import col, select

from bot.domain.actions import CARRIED_OUT, ActionStatus
from bot.domain.records import DueAction, FollowUpAnswer
from storage.tables import ActionRow
from storage.uow import UnitOfWork


async def due_follow_ups(uow: UnitOfWork, *, max_asks: int) -> list[DueAction]:
    query = (
        select(ActionRow)
        .where(col(ActionRow.status).in_(CARRIED_OUT))
        .where(col(ActionRow.follow_up_answered_at).is_(None))
        .where(col(ActionRow.follow_up_asked) < max_asks)
        .order_by(col(ActionRow.id))
    )
    return [_due(row) for row in (await uow.session.exec(query)).all()]


async def get_action(uow: UnitOfWork, action_id: int) -> DueAction | None:
    row = await uow.session.get(ActionRow, action_id)
    return _due(row) if row is not None else None


async def mark_asked(uow: UnitOfWork, action_id: int) -> None:
    await uow.session.exec(
        update(ActionRow)
        .where(col(ActionRow.id) == action_id)
        .values(follow_up_asked=ActionRow.follow_up_asked + 1)
    )


async def record_follow_up(
    uow: UnitOfWork, action_id: int, answer: FollowUpAnswer, now: datetime
) -> None:
    await uow.session.exec(
        update(ActionRow)
        .where(col(ActionRow.id) == action_id)
        .values(
            affected_others=answer.affected_others,
            customer_noticed=answer.customer_noticed,
            follow_up_note=answer.note or None,
            follow_up_answered_at=now,
            updated_at=now,
        )
    )


def _due(row: ActionRow) -> DueAction:
    assert row.id is not None
    # An approved idea is carried out once approved; a done one on the day it happened.
    carried_out = row.occurred_on if row.status == ActionStatus.DONE else row.updated_at.date()
    return DueAction(
        id=row.id,
        person_id=row.person_id,
        extra=row.extra,
        carried_out=carried_out,
        asked=row.follow_up_asked,
        answered=row.follow_up_answered_at is not None,
    )
