"""A saved deed's details, added one tap at a time after it was saved: the situation,
procedure or initiative, whether the customer knew, the offer item, the customer's need."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import update
from sqlmodel import col

from bot.domain.actions import Approach, Context, LoggedAction
from storage.database import utc_now
from storage.summary import context_changed
from storage.tables import ActionRow
from storage.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class DeedDetails:
    """What the details card shows: whose deed, and which details it has."""

    action_id: int
    person_id: str
    extra: str
    customer_need: str
    result: str
    context: Context
    approach: Approach
    customer_aware: bool | None
    offer_item_id: str


@dataclass(frozen=True, slots=True)
class DetailChange:
    """One detail to set; only the given ones change."""

    context: Context | None = None
    approach: Approach | None = None
    customer_aware: bool | None = None
    offer_item_id: str | None = None
    customer_need: str | None = None
    result: str | None = None

    def values(self) -> dict[str, object]:
        given = {
            "context": self.context.value if self.context is not None else None,
            "approach": self.approach.value if self.approach is not None else None,
            "customer_aware": self.customer_aware,
            "offer_item_id": self.offer_item_id,
            "customer_need": self.customer_need,
            "result": self.result,
        }
        return {name: value for name, value in given.items() if value is not None}


def details_of(action: LoggedAction) -> DeedDetails:
    """The details of an action just saved (no need to read it back)."""
    return DeedDetails(
        action_id=action.id,
        person_id=action.person_id,
        extra=action.extra,
        customer_need=action.customer_need,
        result=action.result,
        context=action.context,
        approach=action.approach,
        customer_aware=action.customer_aware,
        offer_item_id=action.offer_item_id,
    )


async def deed_details(uow: UnitOfWork, action_id: int) -> DeedDetails | None:
    row = await uow.session.get(ActionRow, action_id, populate_existing=True)
    if row is None or row.id is None:
        return None
    return DeedDetails(
        action_id=row.id,
        person_id=row.person_id,
        extra=row.extra,
        customer_need=row.customer_need,
        result=row.result,
        context=Context(row.context),
        approach=Approach(row.approach),
        customer_aware=row.customer_aware,
        offer_item_id=row.offer_item_id,
    )


async def set_details(uow: UnitOfWork, action_id: int, change: DetailChange) -> None:
    values = change.values()
    if change.context is not None:  # the digest's summary counts by situation
        await context_changed(uow, action_id, change.context.value)
    if values:
        await uow.session.exec(
            update(ActionRow)
            .where(col(ActionRow.id) == action_id)
            .values(**values, updated_at=utc_now())
        )
