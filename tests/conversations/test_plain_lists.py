"""Plain words in lists and choices (issue 16): `mine` by the action's own date, offer
search by word forms, and adopted practices wherever offer items are chosen."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from bot.domain.actions import ActionStatus, Approach, CheckedAction, Context
from bot.engine import Engine
from storage.actions import add_action
from storage.tables import ServiceOfferItemRow
from storage.uow import UnitOfWork
from tests.conversations.test_log_action import FORM
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


async def test_adopted_practices_are_among_the_log_forms_offer_choices(engine: Engine) -> None:
    async with UnitOfWork(engine.database) as uow:
        uow.session.add(
            ServiceOfferItemRow(
                id="adopted-1",
                title="Help to the car with any heavy shopping, on request",
                source="adopted",
                adopted_at=datetime(2026, 11, 20, tzinfo=UTC),
            )
        )
        await uow.commit()
    chat = Chat(engine, "asha")
    await chat.say("log")
    [field] = [f for f in chat.form.fields if f.name == "offer_item"]
    titles = [o.label for o in field.options]
    assert "Help to the car with any heavy shopping, on request" in titles
    assert titles[-1] == "Not covered by our routine offer"
    saved = await chat.submit(**(FORM | {"offer_item": "adopted-1"}))
    assert "Check before I save it" in saved, saved
    assert "Help to the car with any heavy shopping" in saved
    await chat.click("Save")
    reply = await chat.say("mine")
    assert "beyond: Help to the car with any heavy shopping" in reply, reply


async def test_adopted_practices_are_offered_on_the_one_line_path(engine: Engine) -> None:
    async with UnitOfWork(engine.database) as uow:
        uow.session.add(
            ServiceOfferItemRow(
                id="adopted-2",
                title="Carry heavy shopping to the car, any size",
                source="adopted",
                adopted_at=datetime(2026, 11, 20, tzinfo=UTC),
            )
        )
        await uow.commit()
    chat = Chat(engine, "asha")
    await chat.say("log yesterday: carried a TV to her car")
    question = await chat.say("Couldn't lift a TV into her car")
    assert "Carry heavy shopping to the car, any size" in question, question
    after = await chat.click("Carry heavy shopping to the car, any size")
    assert "Pick the part of our offer" not in after, after
