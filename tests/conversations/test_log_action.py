"""Logging an extra-mile action through the engine: both paths (the deed form, saved on
submit, and a deed in one line, saved at once), the details one tap each, every check,
the edges."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from pytest_mock import MockerFixture
from sqlmodel import select

from bot.engine import Engine
from bot.messages import ButtonClick, CardUpdate, Form, FormSubmission, Sender, TextMessage
from storage.actions import recent_actions
from storage.conversations import load_state
from storage.tables import ActionRow, FeasibilityRequestRow
from storage.uow import UnitOfWork
from tests.fakes.chat import Chat, text_of
from tests.fakes.deeds import EVERY_BOX, IDEA

FORM = {
    "occurred_on": "yesterday",
    "customer_need": "Lost her bus pass and was upset 🚌",
    "extra": "Rang the bus depot, who had it; walked her to the stop",
    "result": "She hugged me",
}


async def _saved(engine: Engine, person: str = "asha") -> list:  # type: ignore[type-arg]
    async with UnitOfWork(engine.database) as uow:
        return await recent_actions(uow, person)


async def _state(engine: Engine, person: str = "asha"):  # type: ignore[no-untyped-def]
    async with UnitOfWork(engine.database) as uow:
        return await load_state(uow, person)


async def test_one_line_saves_at_once_then_asks_only_what_is_missing(engine: Engine) -> None:
    # Was the question-by-question quick path; now the line is saved as it stands and
    # only what it left out is offered, each a tap (or one short form for the need).
    chat = Chat(engine, "asha")
    saved = await chat.say('log yesterday: carried a 55" TV to her car')
    assert "Saved: your 1st extra-mile action" in saved
    assert 'What you did: carried a 55" TV to her car' in saved  # not asked again
    assert "Add the customer's need" in saved
    [action] = await _saved(engine)
    assert action.occurred_on == date(2026, 11, 21)
    assert action.extra == 'carried a 55" TV to her car'
    await chat.click("Add the customer's need")
    need = await chat.submit(customer_need="Couldn't lift a TV into her car")
    assert "The customer's need: Couldn't lift a TV into her car" in need
    assert "Add the customer's need" not in need
    await chat.click("Busy time")
    await chat.click("My own initiative")
    await chat.click("Yes")
    card = await chat.click("Help to the car with bulky items on…")
    assert "All the details are in" in card
    assert "The situation: A busy time" in card and "How: My own initiative" in card
    assert "P2, P3, P4, P5, P10, P11" not in card and "P10" not in card
    [action] = await _saved(engine)
    assert action.occurred_on == date(2026, 11, 21)
    assert action.customer_need == "Couldn't lift a TV into her car"
    assert action.context == "busy" and action.approach == "initiative"
    assert action.customer_aware is True and action.offer_item_id == "carry-out"


async def test_an_idea_gets_the_feasibility_check_instead_of_the_result(engine: Engine) -> None:
    chat = Chat(engine, "tom")
    await chat.say("idea")
    assert chat.form.form_id == "log-idea"
    names = {f.name for f in chat.form.fields}
    assert {"cost", "minutes", "explanation", "checked"} <= names
    assert "result" not in names and "occurred_on" not in names
    reply = await chat.submit(
        extra="Offer a free coffee while they wait for the repair",
        customer_need="Waiting 40 minutes for a phone repair",
        cost="£1.20",
        minutes="5",
        explanation="A long wait; a coffee makes it feel shorter",
        checked=EVERY_BOX,
    )
    assert "Go ahead: it's within your authority" in reply
    assert "£1.20 and 5 minutes" in reply
    [idea] = await _saved(engine, "tom")
    assert idea.status == "done" and idea.approach == "procedure"
    assert idea.result == ""


async def test_form_path_with_errors_keeps_everything_typed(engine: Engine) -> None:
    chat = Chat(engine, "asha")
    await chat.say("log")
    assert chat.form.form_id == "log-action"
    assert {f.name for f in chat.form.fields} == set(FORM)
    long_need = "x" * 1600
    reply = await chat.submit(**(FORM | {"occurred_on": "2026-12-25", "customer_need": long_need}))
    errors = chat.form.errors
    assert errors["occurred_on"] == "That date is in the future. Log it once it has happened."
    assert "1,600 characters" in errors["customer_need"]
    assert set(errors) == {"occurred_on", "customer_need"}
    assert "Log an extra mile" in reply
    kept = {f.name: f.value for f in chat.form.fields}
    assert kept["extra"] == FORM["extra"] and kept["customer_need"] == long_need
    state = await _state(engine)
    assert state is not None and state.step == "form"  # kept in the conversation too
    assert state.data["customer_need"] == long_need
    assert await _saved(engine) == []
    saved = await chat.submit(occurred_on="today", customer_need="Lost her bus pass")
    assert "Saved: your 1st extra-mile action" in saved  # at once: no review, no Save
    assert "Rang the bus depot" in saved
    [action] = await _saved(engine)
    assert action.customer_need == "Lost her bus pass"
    assert action.occurred_on == date(2026, 11, 22)
    assert await _state(engine) is None


async def test_missing_fields_are_named_kindly(engine: Engine) -> None:
    chat = Chat(engine, "asha")
    await chat.say("log")
    await chat.submit(occurred_on="someday")
    errors = chat.form.errors
    assert errors["occurred_on"].startswith("I couldn't read that date")
    assert errors["customer_need"] == "Please tell me the customer's need."
    assert errors["extra"] == "Please tell me what you did."
    assert set(errors) == {"occurred_on", "customer_need", "extra"}  # the rest is optional
    await chat.say("cancel")
    await chat.say("idea")
    await chat.submit()
    errors = chat.form.errors
    assert errors["extra"] == "Please tell me your idea."
    assert errors["customer_need"] == "Please tell me the customer's need."
    assert errors["cost"].startswith("Give the cost as a number")
    assert errors["minutes"].startswith("Give the time in minutes or hours")
    assert errors["explanation"] == "Please tell me why it would help."
    assert "checked" not in errors  # an unticked box is a doubt, not a mistake


async def test_a_sent_back_form_opens_again_filled_in(engine: Engine) -> None:
    # Was "Edit on the review card returns the form filled in": there is no review
    # card now; what was typed comes back whenever the form is opened again.
    chat = Chat(engine, "asha")
    await chat.say("log")
    await chat.submit(**(FORM | {"occurred_on": "next week"}))
    await chat.say("mine")  # the form closed, something else done meanwhile
    await chat.say("log")
    values = {f.name: f.value for f in chat.form.fields}
    assert values == FORM | {"occurred_on": "next week"}
    assert chat.form.errors == {}
    saved = await chat.submit(occurred_on="yesterday", result="She came back with flowers 💐")
    assert "Saved" in saved
    [action] = await _saved(engine)
    assert action.result == "She came back with flowers 💐"
    assert action.extra == FORM["extra"]


async def test_emoji_rtl_and_markup_are_kept_as_typed(engine: Engine) -> None:
    chat = Chat(engine, "asha")
    need = "<!channel> <@U0SAM001> wanted مساعدة with a parcel 📦"
    await chat.say("log")
    await chat.submit(**(FORM | {"customer_need": need}))
    assert (await _saved(engine))[0].customer_need == need


async def test_cancel_discards_the_draft(engine: Engine) -> None:
    chat = Chat(engine, "asha")
    await chat.say("log")
    await chat.submit(occurred_on="someday")  # sent back; nothing typed but the date
    assert await _state(engine) is not None
    assert "Cancelled. Nothing was saved." in await chat.say("cancel")
    assert await _saved(engine) == []
    assert await _state(engine) is None
    assert "Nothing to cancel" in await chat.say("cancel")


async def test_a_stale_detail_button_saves_nothing_twice(engine: Engine) -> None:
    # Was "a stale Save button": saving is the form's submit now; the buttons left on
    # the saved card are the details, and one pressed again changes nothing more.
    chat = Chat(engine, "asha")
    await chat.say("log")
    await chat.submit(**FORM)
    busy = chat.button("Busy time")
    await chat.click("Busy time")
    again = await chat.send(ButtonClick(chat.sender, busy.action_id, busy.value, "test:again"))
    [update] = again
    assert isinstance(update, CardUpdate)
    assert "What was the situation?" not in text_of(again)
    assert "The situation: A busy time" in text_of(again)
    [action] = await _saved(engine)
    assert action.context == "busy"


async def test_a_stale_detail_button_answers_only_its_own_deed(engine: Engine) -> None:
    # Was "a stale answer button cannot answer another question": each tap carries its
    # deed and its detail, so an older card's button changes that deed's detail only.
    chat = Chat(engine, "asha")
    await chat.say("log")
    await chat.submit(**FORM)
    first_card = chat.button("Quiet time")
    await chat.say("log")
    await chat.submit(**(FORM | {"extra": "Walked him to the right aisle"}))
    stale = await chat.press(first_card)
    [update] = stale
    assert isinstance(update, CardUpdate)
    assert "What you did: Rang the bus depot" in text_of(stale)
    second, first = await _saved(engine)
    assert first.extra == FORM["extra"] and first.context == "quiet"
    assert second.extra == "Walked him to the right aisle" and second.context == ""


async def test_the_same_event_twice_changes_nothing(engine: Engine) -> None:
    chat = Chat(engine, "asha")
    await chat.say("log")
    submission = FormSubmission(chat.sender, "log-action", FORM, "slack:retry-1")
    first = await engine.handle(submission)
    second = await engine.handle(submission)
    assert "Saved" in text_of(first)
    assert second == []
    assert len(await _saved(engine)) == 1
    tap = next(b for r in first if hasattr(r, "rows") for row in r.rows for b in row.buttons)
    click = ButtonClick(chat.sender, tap.action_id, tap.value, "slack:retry-2")
    assert isinstance((await engine.handle(click))[0], CardUpdate)
    assert await engine.handle(click) == []
    assert len(await _saved(engine)) == 1
    # An idea sent twice by the platform goes to the supervisor once.
    idea = FormSubmission(Sender("console", "tom"), "log-idea", IDEA, "slack:retry-3")
    assert "Sent to Sam Okafor" in text_of(await engine.handle(idea))
    assert await engine.handle(idea) == []
    assert len(await _saved(engine, "tom")) == 1
    async with UnitOfWork(engine.database) as uow:
        assert len((await uow.session.exec(select(FeasibilityRequestRow))).all()) == 1


async def test_a_stranger_is_told_who_can_add_them(engine: Engine) -> None:
    reply = await engine.handle(TextMessage(Sender("slack", "U0NOBODY"), "log hi", "k1"))
    assert "I don't know you yet" in text_of(reply)
    assert "Ola Adeyemi" in text_of(reply)


async def test_unknown_button_and_unknown_form_get_friendly_replies(engine: Engine) -> None:
    chat = Chat(engine, "asha")
    reply = await chat.send(ButtonClick(chat.sender, "approve.forged", "1", "k2"))
    assert "I don't recognise that button" in text_of(reply)
    reply = await chat.send(FormSubmission(chat.sender, "nope", {"a": "b"}, "k3"))
    assert "I don't recognise that form" in text_of(reply)


async def test_an_over_long_message_is_refused_kindly(engine: Engine) -> None:
    chat = Chat(engine, "asha")
    reply = await chat.say("log " + "very kind " * 500)
    assert "I can take up to 4,000" in reply
    assert await _saved(engine) == []


async def test_unexpected_failure_apologises_with_a_reference_and_writes_nothing(
    engine: Engine, mocker: MockerFixture
) -> None:
    chat = Chat(engine, "asha")
    await chat.say("log")
    form = chat.form
    mocker.patch("bot.features.log.save.count_actions", side_effect=RuntimeError("db exploded"))
    reply = await chat.submit(**FORM)
    assert "Sorry, something went wrong on my side" in reply and "ref " in reply
    assert "db exploded" not in reply
    assert await _saved(engine) == []
    mocker.stopall()
    # Nothing half-written: the same form sent again (a new event) saves it, once.
    retry = await chat.send(FormSubmission(chat.sender, form.form_id, FORM, "test:retry"))
    assert "Saved: your 1st extra-mile action" in text_of(retry)
    assert len(await _saved(engine)) == 1


async def test_mine_lists_recent_actions_and_offer_lists_the_offer(engine: Engine) -> None:
    chat = Chat(engine, "asha")
    assert "haven't logged" in await chat.say("mine")
    await chat.say("log")
    await chat.submit(**FORM)
    not_covered = chat.button("Not in our offer")
    mine = await chat.say("mine")
    assert "Sat 21 Nov · Done: Rang the bus depot" in mine
    offer = await chat.say("offer")
    assert "Riverside Stores: our routine service offer" in offer
    assert "Price match against local stores" in offer
    await chat.press(not_covered)
    assert "(beyond: not in our offer)" in await chat.say("mine")  # once it is said


async def test_mine_claims_nothing_about_the_offer_before_it_is_said(engine: Engine) -> None:
    # A detail left unsaid is stored as "" (issue 16): not the same as "not covered".
    chat = Chat(engine, "asha")
    await chat.say("log")
    await chat.submit(**FORM)
    mine = await chat.say("mine")
    assert "Sat 21 Nov · Done: Rang the bus depot" in mine
    assert "not in our offer" not in mine, mine


async def test_help_in_the_middle_of_a_draft_keeps_it(engine: Engine) -> None:
    # Was "text in the middle of a question answers it but help does not": there are no
    # typed answers now; `help` with a sent-back draft shows help and loses nothing, and
    # other words bring the draft back rather than starting something else.
    chat = Chat(engine, "asha")
    await chat.say("log")
    await chat.submit(**(FORM | {"customer_need": ""}))
    reply = await chat.say("help")
    assert "What I can do" in reply
    state = await _state(engine)
    assert state is not None and state.step == "form"
    assert state.data["extra"] == FORM["extra"]
    back = await chat.say("gift wrapped it for free")
    assert "We're in the middle of logging an action" in back
    assert {f.name: f.value for f in chat.form.fields}["extra"] == FORM["extra"]
    assert await _saved(engine) == []


@pytest.mark.parametrize("bad", ["", "   ", "\x00\x07"])
async def test_an_empty_answer_is_asked_again(engine: Engine, bad: str) -> None:
    chat = Chat(engine, "asha")
    await chat.say("log")
    await chat.submit(**(FORM | {"extra": bad, "customer_need": bad}))
    assert chat.form.errors["extra"] == "Please tell me what you did."
    assert chat.form.errors["customer_need"] == "Please tell me the customer's need."
    await chat.say(f"log {bad}")  # nothing after `log`: the form, never an empty deed
    assert chat.form.form_id == "log-action"
    assert await _saved(engine) == []


async def test_a_one_line_deed_reads_its_cost_and_time(engine: Engine) -> None:
    chat = Chat(engine, "asha")
    await chat.say("log wrapped her present, £3 of paper and half an hour")
    [action] = await _saved(engine)
    assert action.extra == "wrapped her present, £3 of paper and half an hour"
    assert action.occurred_on == date(2026, 11, 22)
    async with UnitOfWork(engine.database) as uow:
        row = (await uow.session.exec(select(ActionRow))).one()
    assert (row.cost, row.minutes) == (Decimal("3.00"), 30)


async def test_a_one_line_deed_reads_thousands_as_written(engine: Engine) -> None:
    chat = Chat(engine, "asha")
    await chat.say("log refunded £1,200 for her sofa yesterday")
    await chat.say("log paid her £2,000,000 in compensation")  # past any cost: left out
    async with UnitOfWork(engine.database) as uow:
        rows = (await uow.session.exec(select(ActionRow).order_by(ActionRow.id))).all()
    assert [r.extra for r in rows] == [
        "refunded £1,200 for her sofa",
        "paid her £2,000,000 in compensation",
    ]
    assert [r.cost for r in rows] == [Decimal("1200.00"), None]


async def test_a_line_that_says_nothing_of_the_deed_is_not_saved_as_one(engine: Engine) -> None:
    # "log yesterday" is someone about to say what they did yesterday: the words of a
    # deed are needed (the form, or being asked), never a deed whose words are the day.
    chat = Chat(engine, "asha")
    for line in ("log yesterday", "log on Friday", "log £15", "log 20 min", "log ...", "log ?"):
        reply = await chat.say(line)
        asked = "what you did" in reply or any(
            isinstance(r, Form) and r.form_id == "log-action" for r in chat.last
        )
        assert "Saved" not in reply and asked, (line, reply)
    assert await _saved(engine) == []


async def test_a_future_date_on_the_one_line_path_is_refused(engine: Engine) -> None:
    chat = Chat(engine, "asha")
    reply = await chat.say("log 30/12/2026: carried bags")
    assert "future" in reply
    assert await _saved(engine) == []


async def test_the_need_and_offer_forms_of_someone_elses_deed_change_nothing(
    engine: Engine,
) -> None:
    chat = Chat(engine, "asha")
    await chat.say("log carried her bags to the bus stop")
    [action] = await _saved(engine)
    tom = Chat(engine, "tom")
    for form_id, values in (
        (f"log-need:{action.id}", {"customer_need": "Forged by Tom"}),
        (f"log-offer:{action.id}", {"offer_item": "carry-out"}),
    ):
        reply = await tom.send(FormSubmission(tom.sender, form_id, values, f"test:{form_id}"))
        assert "Those details are for the person who logged it." in text_of(reply)
    gone = await chat.send(
        FormSubmission(chat.sender, "log-need:999999", {"customer_need": "x"}, "test:gone")
    )
    assert "I can't find that action" in text_of(gone)
    [action] = await _saved(engine)
    assert action.customer_need == "" and action.offer_item_id == ""
