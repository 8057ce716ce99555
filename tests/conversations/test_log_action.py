"""Logging an extra-mile action through the engine: both paths, every check, the edges."""

from __future__ import annotations

from datetime import date

import pytest
from pytest_mock import MockerFixture

from bot.engine import Engine
from bot.messages import ButtonClick, Form, Sender, TextMessage
from storage.actions import recent_actions
from storage.conversations import load_state
from storage.uow import UnitOfWork
from tests.fakes.chat import Chat, text_of

FORM = {
    "occurred_on": "yesterday",
    "customer_need": "Lost her bus pass and was upset 🚌",
    "offer_item": "not-covered",
    "extra": "Rang the bus depot, who had it; walked her to the stop",
    "status": "done",
    "context": "quiet",
    "approach": "initiative",
    "customer_aware": "yes",
    "result": "She hugged me",
}


async def _saved(engine: Engine, person: str = "asha") -> list:  # type: ignore[type-arg]
    async with UnitOfWork(engine.database) as uow:
        return await recent_actions(uow, person)


async def test_quick_path_asks_only_for_what_is_missing_then_saves(engine: Engine) -> None:
    chat = Chat(engine, "asha")
    reply = await chat.say('log yesterday: carried a 55" TV to her car')
    assert "What did the customer need" in reply and "(1 of 7)" in reply
    assert "The extra" not in reply
    await chat.say("Couldn't lift a TV into her car")
    await chat.click("Help to the car with bulky items on request")
    await chat.click("I did it")
    await chat.say("busy")  # typed instead of clicked
    await chat.say("2")  # a number picks the second option
    await chat.click("Yes")
    review = await chat.say("She said she'd come back")
    assert "Check before I save it" in review
    assert "Sat 21 Nov 2026" in review
    assert "Approach: My own initiative" in review
    saved = await chat.click("Save")
    assert "Saved: your 1st extra-mile action" in saved
    assert "P2, P3, P4, P5, P10, P11" not in saved
    [action] = await _saved(engine)
    assert action.occurred_on == date(2026, 11, 21)
    assert action.extra == 'carried a 55" TV to her car'
    assert action.context == "busy" and action.approach == "initiative"
    assert action.customer_aware is True


async def test_an_idea_gets_the_feasibility_check_instead_of_the_result(engine: Engine) -> None:
    chat = Chat(engine, "tom")
    await chat.say("log offer a free coffee while they wait for the repair")
    await chat.say("Waiting 40 minutes for a phone repair")
    await chat.click("Not covered by our routine offer")
    await chat.click("It's an idea I propose")
    await chat.click("A quiet time")
    cost_question = await chat.click("My own initiative")
    assert "Idea: what would it cost? (6 of 11)" in cost_question
    await chat.say("£1.20")
    await chat.say("5")
    for answer in ("Yes", "Yes", "Yes", "No"):
        review = await chat.click(answer)
    assert "Check before I save it" in review
    assert "How it went" not in review and "Cost and time: £1.20 · 5 min" in review
    assert "saving lets you go ahead" in review
    assert "Go ahead: it's within your authority" in await chat.click("Save")
    [idea] = await _saved(engine, "tom")
    assert idea.status == "done" and idea.approach == "procedure"


async def test_form_path_with_errors_keeps_everything_typed(engine: Engine) -> None:
    chat = Chat(engine, "asha")
    await chat.say("log")
    assert chat.form.form_id == "log-action"
    assert {f.name for f in chat.form.fields} >= set(FORM)
    long_need = "x" * 1600
    reply = await chat.submit(**(FORM | {"occurred_on": "2026-12-25", "customer_need": long_need}))
    errors = chat.form.errors
    assert errors["occurred_on"] == "That date is in the future. Log it once it has happened."
    assert "1,600 characters" in errors["customer_need"]
    assert set(errors) == {"occurred_on", "customer_need"}
    assert "Log an extra-mile action" in reply
    kept = {f.name: f.value for f in chat.form.fields}
    assert kept["extra"] == FORM["extra"] and kept["customer_need"] == long_need
    review = await chat.submit(occurred_on="today", customer_need="Lost her bus pass")
    assert "Check before I save it" in review
    assert "Rang the bus depot" in review
    assert "Saved" in await chat.click("Save")
    assert (await _saved(engine))[0].customer_need == "Lost her bus pass"


async def test_missing_fields_are_named_kindly(engine: Engine) -> None:
    chat = Chat(engine, "asha")
    await chat.say("log")
    await chat.submit(occurred_on="someday")
    errors = chat.form.errors
    assert errors["occurred_on"].startswith("I couldn't read that date")
    assert errors["customer_need"] == "Please tell me the customer's need."
    assert errors["offer_item"].startswith("Pick the part of our offer")
    assert errors["extra"] == "Please tell me what extra you did or propose."
    assert "status" in errors
    assert "result" not in errors and "customer_aware" not in errors  # depend on status


async def test_review_edit_returns_the_form_filled_in(engine: Engine) -> None:
    chat = Chat(engine, "asha")
    await chat.say("log")
    await chat.submit(**FORM)
    await chat.click("Edit")
    values = {f.name: f.value for f in chat.form.fields}
    assert values == FORM
    review = await chat.submit(result="She came back with flowers 💐")
    assert "She came back with flowers 💐" in review


async def test_emoji_rtl_and_markup_are_kept_as_typed(engine: Engine) -> None:
    chat = Chat(engine, "asha")
    need = "<!channel> <@U0SAM001> wanted مساعدة with a parcel 📦"
    await chat.say("log")
    await chat.submit(**(FORM | {"customer_need": need}))
    await chat.click("Save")
    assert (await _saved(engine))[0].customer_need == need


async def test_cancel_discards_the_draft(engine: Engine) -> None:
    chat = Chat(engine, "asha")
    await chat.say("log gave directions")
    assert "Cancelled. Nothing was saved." in await chat.say("cancel")
    assert await _saved(engine) == []
    assert "Nothing to cancel" in await chat.say("cancel")


async def test_a_stale_save_button_does_nothing_twice(engine: Engine) -> None:
    chat = Chat(engine, "asha")
    await chat.say("log")
    await chat.submit(**FORM)
    save = chat.button("Save")
    await chat.click("Save")
    again = await chat.send(ButtonClick(chat.sender, save.action_id, save.value, "test:again"))
    assert "nothing waiting to be saved" in text_of(again)
    assert len(await _saved(engine)) == 1


async def test_a_stale_answer_button_cannot_answer_another_question(engine: Engine) -> None:
    chat = Chat(engine, "asha")
    await chat.say("log walked him to the right aisle")
    await chat.say("Could not find the batteries")
    offer_card_button = chat.button("Not covered by our routine offer")
    await chat.click("Not covered by our routine offer")
    stale = await chat.send(
        ButtonClick(chat.sender, offer_card_button.action_id, offer_card_button.value, "test:stale")
    )
    assert "already been answered" in text_of(stale)
    assert "Done, or an idea?" in text_of(stale)


async def test_the_same_event_twice_changes_nothing(engine: Engine) -> None:
    chat = Chat(engine, "asha")
    await chat.say("log")
    await chat.submit(**FORM)
    click = ButtonClick(chat.sender, "log.save", "", "slack:retry-1")
    first = await engine.handle(click)
    second = await engine.handle(click)
    assert "Saved" in text_of(first)
    assert second == []
    assert len(await _saved(engine)) == 1


async def test_a_stranger_is_told_who_can_add_them(engine: Engine) -> None:
    reply = await engine.handle(TextMessage(Sender("slack", "U0NOBODY"), "log hi", "k1"))
    assert "I don't know you yet" in text_of(reply)
    assert "Ola Adeyemi" in text_of(reply)


async def test_unknown_button_and_unknown_form_get_friendly_replies(engine: Engine) -> None:
    chat = Chat(engine, "asha")
    reply = await chat.send(ButtonClick(chat.sender, "approve.forged", "1", "k2"))
    assert "I don't recognise that button" in text_of(reply)
    from bot.messages import FormSubmission

    reply = await chat.send(FormSubmission(chat.sender, "nope", {"a": "b"}, "k3"))
    assert "I don't recognise that form" in text_of(reply)


async def test_an_over_long_message_is_refused_kindly(engine: Engine) -> None:
    chat = Chat(engine, "asha")
    reply = await chat.say("log " + "very kind " * 500)
    assert "I can take up to 4,000" in reply


async def test_unexpected_failure_apologises_with_a_reference_and_writes_nothing(
    engine: Engine, mocker: MockerFixture
) -> None:
    chat = Chat(engine, "asha")
    await chat.say("log")
    await chat.submit(**FORM)
    save = chat.button("Save")
    mocker.patch("bot.features.log.flow.count_actions", side_effect=RuntimeError("db exploded"))
    reply = await chat.click("Save")
    assert "Sorry, something went wrong on my side" in reply and "ref " in reply
    assert "db exploded" not in reply
    assert await _saved(engine) == []
    mocker.stopall()
    # The draft survived: pressing the same Save again (a new event) works.
    retry = await chat.send(ButtonClick(chat.sender, save.action_id, save.value, "test:retry"))
    assert "Saved" in text_of(retry)


async def test_mine_lists_recent_actions_and_offer_lists_the_offer(engine: Engine) -> None:
    chat = Chat(engine, "asha")
    assert "haven't logged" in await chat.say("mine")
    await chat.say("log")
    await chat.submit(**FORM)
    await chat.click("Save")
    mine = await chat.say("mine")
    assert "Sat 21 Nov · Done: Rang the bus depot" in mine
    offer = await chat.say("offer")
    assert "Riverside Stores: our routine service offer" in offer
    assert "Price match against local stores" in offer


async def test_text_in_the_middle_of_a_question_answers_it_but_help_does_not(
    engine: Engine,
) -> None:
    chat = Chat(engine, "asha")
    await chat.say("log gift wrapped for free")
    reply = await chat.say("help")
    assert "What I can do" in reply and "What did the customer need" in reply
    async with UnitOfWork(engine.database) as uow:
        state = await load_state(uow, "asha")
    assert state is not None and state.step == "ask:customer_need"


@pytest.mark.parametrize("bad", ["", "   ", "\x00\x07"])
async def test_an_empty_answer_is_asked_again(engine: Engine, bad: str) -> None:
    chat = Chat(engine, "asha")
    await chat.say("log gift wrapped for free")
    reply = await chat.say(bad)
    assert "Please tell me the customer's need." in reply


async def test_a_future_date_on_the_quick_path_is_refused(engine: Engine) -> None:
    chat = Chat(engine, "asha")
    reply = await chat.say("log 30/12/2026: carried bags")
    assert "future" in reply
    assert not any(isinstance(r, Form) for r in chat.last)
