"""Extra-mile actions: save and list, returning domain records."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
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

_table: Any = ActionRow.__table__  # type: ignore[attr-defined]
# Built once: only their values change (issue 18: a save must not pay for building them).
_ADD: Any = sa.insert(_table)
_COUNT: Any = (
    sa.select(func.count()).select_from(_table).where(_table.c.person_id == sa.bindparam("person"))
)


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
    values: dict[str, Any] = {
        "person_id": person_id,
        "occurred_on": action.occurred_on,
        "customer_need": action.customer_need,
        "offer_item_id": action.offer_item_id,
        "extra": action.extra,
        "status": action.status.value,
        "context": action.context.value,
        "approach": action.approach.value,
        "customer_aware": action.customer_aware,
        "result": action.result,
        "practice_id": None,
        "cost": cost,
        "minutes": minutes,
        "follow_up_asked": 0,
        "follow_up_answered_at": None,
        "affected_others": None,
        "follow_up_note": None,
        "customer_noticed": None,
        "created_at": now,
        "updated_at": now,
    }
    # A Core insert (no ORM flush): the row is never loaded back, the new id is returned.
    added = await uow.session.exec(_ADD, params=values)
    (action_id,) = added.inserted_primary_key or (None,)
    assert action_id is not None
    # The digest's summary, in the same transaction.
    await count_action(uow, person_id, now, action.context.value)
    return LoggedAction(
        id=int(action_id),
        person_id=person_id,
        occurred_on=action.occurred_on,
        customer_need=action.customer_need,
        offer_item_id=action.offer_item_id,
        extra=action.extra,
        status=action.status,
        context=action.context,
        approach=action.approach,
        customer_aware=action.customer_aware,
        result=action.result,
        created_at=now,
    )


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
    return int((await uow.session.exec(_COUNT, params={"person": person_id})).scalar_one())


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
