"""Extra-mile actions: save and list, returning domain records."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import func
from sqlmodel import col, select

from bot.domain.actions import (
    ActionStatus,
    AffectedOthers,
    Approach,
    CheckedAction,
    Context,
    LoggedAction,
)
from storage.database import utc_now
from storage.summary import count_action
from storage.tables import ActionRow
from storage.uow import UnitOfWork


async def add_action(
    uow: UnitOfWork,
    person_id: str,
    action: CheckedAction,
    *,
    cost: Decimal | None = None,
    minutes: int | None = None,
    now: datetime | None = None,
) -> LoggedAction:
    now = now or utc_now()
    row = ActionRow(
        person_id=person_id,
        occurred_on=action.occurred_on,
        customer_need=action.customer_need,
        offer_item_id=action.offer_item_id,
        extra=action.extra,
        status=action.status.value,
        context=action.context.value,
        approach=action.approach.value,
        customer_aware=action.customer_aware,
        result=action.result,
        cost=cost,
        minutes=minutes,
        created_at=now,
        updated_at=now,
    )
    uow.session.add(row)
    await uow.session.flush()
    await count_action(uow, person_id, now, row.context)  # the digest's summary, same transaction
    return _to_domain(row)


async def recent_actions(uow: UnitOfWork, person_id: str, limit: int = 10) -> list[LoggedAction]:
    query = (
        select(ActionRow)
        .where(ActionRow.person_id == person_id)
        .order_by(
            col(ActionRow.occurred_on).desc(),
            col(ActionRow.created_at).desc(),
            col(ActionRow.id).desc(),
        )
        .limit(limit)
    )
    return [_to_domain(row) for row in (await uow.session.exec(query)).all()]


async def recent_actions_of(
    uow: UnitOfWork, person_ids: list[str], limit: int = 30
) -> list[LoggedAction]:
    query = (
        select(ActionRow)
        .where(col(ActionRow.person_id).in_(person_ids))
        .order_by(
            col(ActionRow.occurred_on).desc(),
            col(ActionRow.created_at).desc(),
            col(ActionRow.id).desc(),
        )
        .limit(limit)
    )
    return [_to_domain(row) for row in (await uow.session.exec(query)).all()]


async def get_extra(uow: UnitOfWork, action_id: int) -> str | None:
    row = await uow.session.get(ActionRow, action_id)
    return row.extra if row else None


async def count_actions(uow: UnitOfWork, person_id: str) -> int:
    """COUNT over the person's index entries: no row is loaded, and the cost is the
    person's own actions, whatever the table holds."""
    query = select(func.count()).select_from(ActionRow).where(ActionRow.person_id == person_id)
    return int((await uow.session.exec(query)).one())


def _to_domain(row: ActionRow) -> LoggedAction:
    assert row.id is not None
    return LoggedAction(
        id=row.id,
        person_id=row.person_id,
        occurred_on=row.occurred_on,
        customer_need=row.customer_need,
        offer_item_id=row.offer_item_id,
        extra=row.extra,
        status=ActionStatus(row.status),
        context=Context(row.context),
        approach=Approach(row.approach),
        customer_aware=row.customer_aware,
        result=row.result,
        created_at=row.created_at,
        affected_others=AffectedOthers(row.affected_others) if row.affected_others else None,
        customer_noticed=row.customer_noticed,
        follow_up_note=row.follow_up_note,
    )
