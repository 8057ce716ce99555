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
from tests.fakes.chat import Chat
from tests.fakes.deeds import DEED, log_deed, tap_detail


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


async def _adopt(engine: Engine, item_id: str, title: str) -> None:
    async with UnitOfWork(engine.database) as uow:
        uow.session.add(
            ServiceOfferItemRow(
                id=item_id,
                title=title,
                source="adopted",
                adopted_at=datetime(2026, 11, 20, tzinfo=UTC),
            )
        )
        await uow.commit()


async def test_adopted_practices_are_among_the_log_forms_offer_choices(engine: Engine) -> None:
    await _adopt(engine, "adopted-1", "Help to the car with any heavy shopping, on request")
    # A learner's form asks the offer item (issue 16): the adopted practice is a choice.
    engine.org.person("tom").__dict__["learner"] = True  # the org file's learner: true
    tom = Chat(engine, "tom")
    await tom.say("log")
    [field] = [f for f in tom.form.fields if f.name == "offer_item"]
    titles = [o.label for o in field.options]
    assert "Help to the car with any heavy shopping, on request" in titles
    assert titles[-1] == "Not covered by our routine offer"
    saved = await tom.submit(
        **DEED,
        context="busy",
        approach="initiative",
        customer_aware="yes",
        offer_item="adopted-1",
    )
    assert "Saved: your 1st extra-mile action" in saved, saved
    assert "Our offer: Help to the car with any heavy shopping" in saved
    reply = await tom.say("mine")
    assert "beyond: Help to the car with any heavy shopping" in reply, reply
    # Anyone else picks it on the saved card: "Another…" opens the whole offer.
    asha = Chat(engine, "asha")
    await log_deed(asha)
    await asha.click("Another…")
    [field] = [f for f in asha.form.fields if f.name == "offer_item"]
    assert "Help to the car with any heavy shopping, on request" in [o.label for o in field.options]
    picked = await asha.submit(offer_item="adopted-1")
    assert "Our offer: Help to the car with any heavy shopping" in picked, picked
    assert "beyond: Help to the car with any heavy shopping" in await asha.say("mine")


async def test_adopted_practices_are_offered_on_the_one_line_path(engine: Engine) -> None:
    await _adopt(engine, "adopted-2", "Carry heavy shopping to the car, any size")
    chat = Chat(engine, "asha")
    saved = await chat.say("log yesterday: carried a TV to her car")
    # Among the likely items the saved card offers, by the deed's words: one tap.
    offered = [b.value for b in chat.visible_buttons() if ":offer=" in b.value]
    assert any(v.endswith(":offer=adopted-2") for v in offered), (offered, saved)
    after = await tap_detail(chat, "offer", "adopted-2")
    assert "Our offer: Carry heavy shopping to the car, any size" in after, after
    assert "Which part of our routine offer" not in after, after
