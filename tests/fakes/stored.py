"""Deeds written straight to storage, for storage tests that need an action to hang
things on (vectors, practices, statements)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from bot.domain.actions import ActionStatus, Approach, CheckedAction, Context
from storage.actions import add_action
from storage.uow import UnitOfWork


async def stored_deed(uow: UnitOfWork, extra: str, person: str = "asha") -> int:
    """A done deed of the person's (Asha's unless said) with these words, saved; its id."""
    action = await add_action(
        uow,
        person,
        CheckedAction(
            occurred_on=date(2026, 11, 20),
            customer_need="Rain",
            offer_item_id="carry-out",
            extra=extra,
            status=ActionStatus.DONE,
            context=Context.BUSY,
            approach=Approach.INITIATIVE,
            customer_aware=True,
            result="",
        ),
        cost=Decimal("0"),
    )
    return action.id
