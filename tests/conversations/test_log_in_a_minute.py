"""Logging in under a minute (issue 16), through the engine: a done deed on one screen
of four inputs saved on submit, a one-line deed saved at once, the details one tap each,
an idea asking only what feasibility needs. Each path counts its inputs and taps."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlmodel import select

from bot.domain.actions import UNSAID_OFFER, Approach, Context
from bot.engine import Engine
from bot.messages import ButtonClick, Card, CardUpdate, FieldKind, Refusal, Sender
from storage.tables import ActionRow, FeasibilityRequestRow
from storage.uow import UnitOfWork
from tests.fakes.chat import Chat

DEED = {
    "extra": "Carried a 55 inch TV to her car",
    "customer_need": "Couldn't lift the box into her car on her own",
    "result": "She said she'd be back for the soundbar",
}
IDEA = {
    "extra": "Give her a new cake and a card from us, free",
    "customer_need": "Her daughter's birthday cake was ruined in the rain",
    "cost": "18",
    "minutes": "10",
    "explanation": "A loyal customer; our wet floor mat tripped her",
}
ALL_CHECKED = "authority,guidelines,regulations,others"


async def actions(engine: Engine) -> list[ActionRow]:
    async with UnitOfWork(engine.database) as uow:
        return list((await uow.session.exec(select(ActionRow))).all())


def inputs_of(chat: Chat) -> list[str]:
    """The form's inputs: every field but the words to read."""
    return [f.name for f in chat.form.fields if f.kind is not FieldKind.INFO]


async def test_a_done_deed_is_four_inputs_and_saved_on_submit(engine: Engine) -> None:
    chat = Chat(engine, "asha")
    await chat.say("log")
    assert inputs_of(chat) == ["extra", "customer_need", "result", "occurred_on"]
    assert [f.required for f in chat.form.fields] == [True, True, False, False]
    saved = await chat.submit(**DEED)  # 3 typed, the date left as today: one submit
    assert "Saved: your 1st extra-mile action" in saved
    [row] = await actions(engine)
    assert row.occurred_on == date(2026, 11, 22)  # today, as the clock says (a Sunday)
    assert row.extra == DEED["extra"] and row.result == DEED["result"]
    assert (row.context, row.approach, row.offer_item_id) == ("", "", UNSAID_OFFER)


async def test_the_details_are_one_tap_each_saved_at_once(engine: Engine) -> None:
    chat = Chat(engine, "asha")
    await chat.say("log")
    card_text = await chat.submit(**DEED)
    assert "What was the situation?" in card_text
    # The likely offer item comes first, by the deed's words: one tap.
    await chat.click("Busy time")
    await chat.click("My own initiative")
    await chat.click("Yes")
    assert "Help to the car with bulky items on…" in [b.label for b in _buttons(chat)]
    final = await chat.click("Help to the car with bulky items on…")
    assert "All the details are in" in final
    [update] = chat.last
    assert isinstance(update, CardUpdate) and update.card.rows == ()
    [row] = await actions(engine)
    assert (row.context, row.approach) == (Context.BUSY, Approach.INITIATIVE)
    assert row.customer_aware is True and row.offer_item_id == "carry-out"


async def test_a_detail_tap_on_someone_elses_deed_changes_nothing(engine: Engine) -> None:
    asha = Chat(engine, "asha")
    await asha.say("log")
    await asha.submit(**DEED)
    tap = asha.button("Busy time")
    replies = await Chat(engine, "tom").send(
        ButtonClick(Sender("console", "tom"), tap.action_id, tap.value, "test:tom-tap")
    )
    assert replies == [Refusal("Those details are for the person who logged it.")]
    forged = await asha.send(
        ButtonClick(Sender("console", "asha"), tap.action_id, "1:context=<b>", "test:forged")
    )
    assert forged == [Refusal("I don't recognise that choice.")]
    [row] = await actions(engine)
    assert row.context == ""


async def test_a_one_line_deed_is_saved_at_once_with_its_day_cost_and_time(
    engine: Engine,
) -> None:
    chat = Chat(engine, "asha")
    saved = await chat.say("log gave her a £15 voucher on Friday, took 20 min")
    assert "Saved: your 1st extra-mile action" in saved
    assert "Add the customer's need" in saved
    [row] = await actions(engine)
    assert row.extra == "gave her a £15 voucher on Friday, took 20 min"  # words as written
    assert row.occurred_on == date(2026, 11, 20)  # the Friday before Sunday 22nd
    assert (row.cost, row.minutes) == (Decimal("15.00"), 20)
    assert row.customer_need == ""
    # The need is one tap and one input away.
    await chat.click("Add the customer's need")
    await chat.submit(customer_need="Her son's birthday present had come broken")
    [row] = await actions(engine)
    assert row.customer_need == "Her son's birthday present had come broken"


async def test_a_direct_message_that_reads_as_a_deed_is_saved(engine: Engine) -> None:
    chat = Chat(engine, "asha")
    saved = await chat.say("Yesterday I carried a TV to a lady's car")
    assert "Saved: your 1st extra-mile action" in saved
    [row] = await actions(engine)
    assert row.occurred_on == date(2026, 11, 21) and row.extra == "I carried a TV to a lady's car"
    for chat_words in ("thanks a lot for that", "what can you do for me?", "hello"):
        assert "Saved" not in await chat.say(chat_words)
    assert len(await actions(engine)) == 1


async def test_an_idea_asks_only_what_feasibility_needs(engine: Engine) -> None:
    chat = Chat(engine, "asha")
    await chat.say("idea")
    assert inputs_of(chat) == [
        "extra",
        "customer_need",
        "cost",
        "minutes",
        "explanation",
        "checked",
    ]
    rules = next(f for f in chat.form.fields if f.kind is FieldKind.INFO)
    assert "Our guidelines:\n• No cash refunds without a receipt" in rules.value
    assert "The regulations:\n• Consumer Rights Act 2015" in rules.value
    sent = await chat.submit(**IDEA, checked="guidelines,regulations,others")
    assert "Sam" in sent
    async with UnitOfWork(engine.database) as uow:
        [request] = (await uow.session.exec(select(FeasibilityRequestRow))).all()
    assert request.within_authority == "unsure"  # an unticked box is a doubt
    assert (request.within_guidelines, request.affects_others) == ("yes", "no")


async def test_an_idea_inside_authority_with_every_box_ticked_goes_ahead(engine: Engine) -> None:
    chat = Chat(engine, "asha")
    await chat.say("idea")
    reply = await chat.submit(**(IDEA | {"cost": "4"}), checked=ALL_CHECKED)
    assert "Go ahead: it's within your authority" in reply
    async with UnitOfWork(engine.database) as uow:
        assert (await uow.session.exec(select(FeasibilityRequestRow))).all() == []


async def test_a_learner_is_asked_the_details_in_the_form(engine: Engine) -> None:
    engine.org.person("tom").__dict__["learner"] = True  # the org file's learner: true
    chat = Chat(engine, "tom")
    await chat.say("log")
    assert inputs_of(chat)[4:8] == ["context", "approach", "customer_aware", "offer_item"]
    # then two optional questions in their own words (issue 19)
    assert inputs_of(chat)[8:] == ["expectation", "offer_in_own_words"]
    refused = await chat.submit(**DEED)
    assert "Pick the situation it happened in." in refused
    saved = await chat.submit(
        context="quiet", approach="procedure", customer_aware="no", offer_item="carry-out"
    )
    assert "All the details are in" in saved
    [row] = await actions(engine)
    assert (row.context, row.offer_item_id, row.extra) == ("quiet", "carry-out", DEED["extra"])


def _buttons(chat: Chat) -> list:  # type: ignore[type-arg]
    cards = [r.card if isinstance(r, CardUpdate) else r for r in chat.last]
    return [b for c in cards if isinstance(c, Card) for b in c.all_buttons]


async def test_the_test_helpers_log_a_deed_with_details_and_propose_an_idea(
    engine: Engine,
) -> None:
    from tests.fakes.deeds import DETAILS, log_deed, propose_idea

    final = await log_deed(Chat(engine, "asha"), DETAILS | {"offer": "not-covered"})
    assert "All the details are in" in final
    sent = await propose_idea(Chat(engine, "tom"))
    assert "Sam" in sent
    [deed, idea] = await actions(engine)
    assert (deed.context, deed.approach, deed.customer_aware) == ("quiet", "initiative", True)
    assert deed.offer_item_id == "not-covered" and idea.status == "pending_approval"
