"""Clicks that are refused answer with a Refusal alone (the adapters then leave the
clicked card as it was): someone else's follow-up, one answered already."""

from __future__ import annotations

from datetime import date

from bot.domain.actions import ActionStatus, Approach, CheckedAction, Context
from bot.engine import Engine
from bot.messages import ButtonClick, Refusal, Sender
from storage.actions import add_action
from storage.uow import UnitOfWork


async def test_someone_elses_follow_up_is_refused(engine: Engine) -> None:
    async with UnitOfWork(engine.database) as uow:
        action = await add_action(
            uow,
            "asha",
            CheckedAction(
                occurred_on=date(2026, 11, 16),
                customer_need="Heavy shopping",
                offer_item_id="carry-out",
                extra="Carried it to the car",
                status=ActionStatus.DONE,
                context=Context.BUSY,
                approach=Approach.INITIATIVE,
                customer_aware=True,
                result="Grateful",
            ),
        )
        await uow.commit()
    click = ButtonClick(Sender("console", "tom"), "form.open", f"follow-up:{action.id}", "k-fu")
    replies = await engine.handle(click)
    assert [type(r) for r in replies] == [Refusal], replies
    assert "isn't yours" in replies[0].text  # type: ignore[union-attr]
