"""Plain words in lists and choices (issue 16): `mine` by the action's own date, offer
search by word forms, and adopted practices wherever offer items are chosen."""

from __future__ import annotations

import re
from datetime import date

from bot.domain.actions import ActionStatus, Approach, CheckedAction, Context
from bot.engine import Engine
from storage.actions import add_action
from storage.uow import UnitOfWork
from tests.fakes.chat import Chat


def _deed(day: date, extra: str) -> CheckedAction:
    return CheckedAction(
        occurred_on=day,
        customer_need="Heavy shopping",
        offer_item_id="carry-out",
        extra=extra,
        status=ActionStatus.DONE,
        context=Context.BUSY,
        approach=Approach.INITIATIVE,
        customer_aware=True,
        result="Grateful",
    )


async def test_mine_is_ordered_by_the_actions_own_date(engine: Engine) -> None:
    async with UnitOfWork(engine.database) as uow:
        # Logged in this order, but done on other days.
        await add_action(uow, "asha", _deed(date(2026, 11, 18), "Wednesday's deed"))
        await add_action(uow, "asha", _deed(date(2026, 11, 16), "Monday's deed"))
        await add_action(uow, "asha", _deed(date(2026, 11, 20), "Friday's deed"))
        await uow.commit()
    reply = await Chat(engine, "asha").say("mine")
    days = re.findall(r"(Mon|Wed|Fri) \d\d Nov", reply)
    assert days == ["Fri", "Wed", "Mon"], reply
    assert reply.index("Friday's deed") < reply.index("Wednesday's deed")
    assert reply.index("Wednesday's deed") < reply.index("Monday's deed")


async def test_offer_search_matches_word_forms(engine: Engine) -> None:
    chat = Chat(engine, "asha")
    reply = await chat.say("offer refunds")
    assert "Refund or exchange within 30 days" in reply
    assert "(matching “refunds”: 1 of" in reply
    assert "Ordering in out-of-stock items" in await chat.say("offer orders")
    assert "Nothing in our offer matches" in await chat.say("offer helicopters")
