"""Follow-ups due together come as one message: the actions listed, each with its own
button opening its own form, answered on its own."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from app.jobs import run_job
from bot.delivery.codec import load_outbound
from bot.engine import Engine
from bot.messages import Card
from storage.tables import ActionRow, OutboxRow
from storage.uow import UnitOfWork
from tests.conftest import NOW
from tests.fakes.chat import Chat
from tests.fakes.deeds import log_deed

DEEDS = (
    "Rang the bus depot, who had it",
    "Carried a TV to her car",
    "Found the right charger in the stockroom",
)


async def _asks(engine: Engine, person: str) -> list[Card]:
    async with UnitOfWork(engine.database) as uow:
        rows = (await uow.session.exec(select(OutboxRow).order_by(OutboxRow.id))).all()
    cards = [load_outbound(r.payload) for r in rows if r.person_id == person]
    return [c for c in cards if isinstance(c, Card) and c.title.startswith("How did")]


async def test_three_follow_ups_due_at_once_come_as_one_message(engine: Engine) -> None:
    chat = Chat(engine, "asha")
    for extra in DEEDS:
        await log_deed(chat, occurred_on="today", extra=extra)
    report = await run_job(
        "follow-up", org=engine.org, database=engine.database, at=NOW + timedelta(days=3)
    )
    assert report == "asked 3"
    [card] = await _asks(engine, "asha")
    assert card.title == "How did these go?"
    for number, extra in enumerate(DEEDS, start=1):
        assert f"{number}. Sun 22 Nov: {extra}" in card.text
    assert [b.label for b in card.buttons] == [
        "Tell me about 1",
        "Tell me about 2",
        "Tell me about 3",
    ]
    # Each button opens its own action's form, and the answer goes on that action only.
    chat.last = [card]
    await chat.click("Tell me about 2")
    assert chat.form.intro == DEEDS[1]
    assert "Thank you!" in await chat.submit(affected_others="no", customer_noticed="yes")
    async with UnitOfWork(engine.database) as uow:
        rows = (await uow.session.exec(select(ActionRow).order_by(ActionRow.id))).all()
    assert [r.customer_noticed for r in rows] == [None, True, None]
    # Asked once more, two days later: the two still open, again in one message.
    await run_job("follow-up", org=engine.org, database=engine.database, at=NOW + timedelta(5))
    [_, again] = await _asks(engine, "asha")
    assert again.title == "How did these go? (asking once more)"
    assert DEEDS[1] not in again.text and len(again.buttons) == 2


async def test_a_single_follow_up_keeps_its_own_card(engine: Engine) -> None:
    chat = Chat(engine, "asha")
    await log_deed(chat, occurred_on="today")
    await run_job("follow-up", org=engine.org, database=engine.database, at=NOW + timedelta(3))
    [card] = await _asks(engine, "asha")
    assert card.title == "How did it go?" and [b.label for b in card.buttons] == ["Tell me"]
