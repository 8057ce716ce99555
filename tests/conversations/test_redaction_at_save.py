"""Customers' details typed into an action are redacted when it is saved (issue 14)."""

from __future__ import annotations

from sqlmodel import select

from bot.engine import Engine
from storage.tables import ActionRow, FeasibilityRequestRow
from storage.uow import UnitOfWork
from tests.conversations.test_approvals import sams_card
from tests.fakes.chat import Chat
from tests.fakes.deeds import log_deed, propose_idea

TYPED = {
    "customer_need": "Mrs J Brown (07700 900123.) needed her parcel at 12 Acacia Avenue",
    "extra": "Drove it round; she paid by card 4111 1111 1111 1111.",
    "result": "She wrote to jo.brown＠example.com to say thanks, ring +44 7700 900123.",
}


async def _rows(engine: Engine, table: type) -> list:  # type: ignore[type-arg]
    async with UnitOfWork(engine.database) as uow:
        return list((await uow.session.exec(select(table))).all())


async def test_a_logged_action_is_stored_without_the_customer_s_details(engine: Engine) -> None:
    chat = Chat(engine, "asha")
    saved = await log_deed(chat, **TYPED)
    assert "Saved: your 1st" in saved
    assert "07700" not in saved and "4111" not in saved  # the card shows what was stored
    [row] = await _rows(engine, ActionRow)
    assert row.customer_need == "[name] ([phone].) needed her parcel at [address]"
    assert row.extra == "Drove it round; she paid by card [card number]."
    assert row.result == "She wrote to [email] to say thanks, ring [phone]."


async def test_a_one_line_deed_and_its_need_added_later_are_stored_redacted(
    engine: Engine,
) -> None:
    chat = Chat(engine, "asha")
    saved = await chat.say("log " + TYPED["extra"])
    assert "Saved: your 1st" in saved and "4111" not in saved
    await chat.click("Add the customer's need")
    await chat.submit(customer_need=TYPED["customer_need"], result=TYPED["result"])
    [row] = await _rows(engine, ActionRow)
    assert row.extra == "Drove it round; she paid by card [card number]."
    assert row.customer_need == "[name] ([phone].) needed her parcel at [address]"
    assert row.result == "She wrote to [email] to say thanks, ring [phone]."


async def test_an_idea_and_its_explanation_are_stored_and_sent_redacted(engine: Engine) -> None:
    chat = Chat(engine, "asha")
    sent = await propose_idea(
        chat,
        customer_need=TYPED["customer_need"],
        explanation="She's at SW1A  1AA; call 020 7946 0958.",
    )
    assert "Sent to Sam Okafor" in sent
    [action] = await _rows(engine, ActionRow)
    assert action.customer_need == "[name] ([phone].) needed her parcel at [address]"
    [request] = await _rows(engine, FeasibilityRequestRow)
    assert request.explanation == "She's at [postcode]; call [phone]."
    card = await sams_card(engine)
    shown = "\n".join(f"{f.label}: {f.value}" for f in card.fields)
    assert "07700" not in shown and "Brown" not in shown and "7946" not in shown


async def test_a_follow_up_note_is_stored_redacted(engine: Engine) -> None:
    from datetime import timedelta

    from app.jobs import run_job
    from bot.messages import Card
    from tests.conftest import NOW
    from tests.conversations.test_approvals import outbox_for

    chat = Chat(engine, "asha")
    await log_deed(chat, occurred_on="today")
    await run_job("follow-up", org=engine.org, database=engine.database, at=NOW + timedelta(3))
    asks = [m for m in await outbox_for(engine, "asha") if isinstance(m, Card)]
    chat.last = [asks[-1]]
    await chat.click("Tell me")
    await chat.submit(
        affected_others="a_little",
        customer_noticed="yes",
        note="Mr. Smith behind her at 4 Mill Lane waited; he left 07700 900123",
    )
    [row] = await _rows(engine, ActionRow)
    assert row.follow_up_note == "[name] behind her at [address] waited; he left [phone]"
