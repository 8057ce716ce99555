"""Input is safe (issue 16): command words inside a deed's words are the deed, `help`,
`stop` and `cancel` alone are still commands, cancelling a draft with answers asks
first, optional inputs left empty save nothing for them, each input checked as given.

The question-by-question quick path is gone: what it tested (a command word inside an
answer, skip, an answer checked as given) is tested here on the one-line deed and the
forms, which replaced it."""

from __future__ import annotations

import pytest

from bot.engine import Engine
from storage.actions import recent_actions
from storage.conversations import load_state
from storage.uow import UnitOfWork
from tests.fakes.chat import Chat, text_of
from tests.fakes.deeds import propose_idea

TYPED = {
    "extra": "Carried a TV to her car",
    "customer_need": "Couldn't lift a TV into her car",
    "result": "She said she'd come back for the soundbar",
}


async def _saved(engine: Engine, person: str = "asha") -> list:  # type: ignore[type-arg]
    async with UnitOfWork(engine.database) as uow:
        return await recent_actions(uow, person)


async def _step(engine: Engine, person: str = "asha") -> str | None:
    async with UnitOfWork(engine.database) as uow:
        state = await load_state(uow, person)
    return None if state is None else state.step


async def _state_of(engine: Engine, person: str = "asha"):  # type: ignore[no-untyped-def]
    async with UnitOfWork(engine.database) as uow:
        return await load_state(uow, person)


async def _sent_back(chat: Chat, **values: str) -> str:
    """The deed form sent back with an error (a date in the future): its draft is kept."""
    await chat.say("log")
    reply = await chat.submit(**(TYPED | {"occurred_on": "2026-12-25"} | values))
    assert "future" in reply
    return reply


async def test_stop_inside_an_answer_is_the_answer(engine: Engine) -> None:
    chat = Chat(engine, "asha")
    saved = await chat.say("log Stop worrying, the mum said, so I wrapped it for her")
    assert "Cancelled" not in saved and "Saved: your 1st extra-mile action" in saved
    said = await chat.say("Stop worrying, I told her, and carried the box out")  # a DM
    assert "Cancelled" not in said and "Saved: your 2nd extra-mile action" in said
    await chat.say("log")
    await chat.submit(**(TYPED | {"result": "Stop worrying, the mum said, you've made my day"}))
    third, second, first = await _saved(engine)
    assert first.extra == "Stop worrying, the mum said, so I wrapped it for her"
    assert second.extra == "Stop worrying, I told her, and carried the box out"
    assert third.result == "Stop worrying, the mum said, you've made my day"


async def test_help_inside_an_answer_is_the_answer(engine: Engine) -> None:
    chat = Chat(engine, "asha")
    saved = await chat.say("log help with a big TV box to her car")
    assert "What I can do" not in saved and "Saved" in saved
    said = await chat.say("I gave help with a big TV box")
    assert "What I can do" not in said and "Saved" in said
    second, first = await _saved(engine)
    assert first.extra == "help with a big TV box to her car"
    assert second.extra == "I gave help with a big TV box"
    assert await _step(engine) is None


@pytest.mark.parametrize("typed", ["Help", " help! ", "HELP."])
async def test_help_alone_is_still_help(engine: Engine, typed: str) -> None:
    chat = Chat(engine, "asha")
    assert "What I can do" in await chat.say(typed)
    assert await _saved(engine) == []
    await _sent_back(chat)
    reply = await chat.say(typed)
    assert "What I can do" in reply
    assert await _step(engine) == "form"  # the draft is kept
    await chat.say("cancel")
    reply = await chat.say(typed)  # while the cancel question waits: help, then it again
    assert "What I can do" in reply and "Cancel this action?" in reply
    assert await _step(engine) == "cancel?form"
    assert await _saved(engine) == []


async def test_a_draft_with_no_answers_cancels_at_once(engine: Engine) -> None:
    chat = Chat(engine, "asha")
    await chat.say("log")
    await chat.submit(occurred_on="someday")  # sent back, nothing typed but the date
    assert await _step(engine) == "form"
    assert "Cancelled. Nothing was saved." in await chat.say(" Stop! ")
    assert await _step(engine) is None


async def test_cancelling_a_draft_with_answers_asks_first(engine: Engine) -> None:
    chat = Chat(engine, "asha")
    await _sent_back(chat)
    reply = await chat.say("Cancel.")
    assert "Cancel this action? Your 3 answers will be lost." in reply
    assert await _step(engine) is not None
    await chat.click("Keep going")
    assert {f.name: f.value for f in chat.form.fields}["result"] == TYPED["result"]
    await chat.say("cancel")
    assert "Cancelled. Nothing was saved." in await chat.click("Yes")
    assert await _step(engine) is None
    assert await _saved(engine) == []


async def test_an_idea_s_answers_are_counted_and_kept_too(engine: Engine) -> None:
    chat = Chat(engine, "tom")
    await chat.say("idea")
    await chat.submit(extra="A free coffee while they wait", cost="lots", checked="guidelines")
    assert await _step(engine, "tom") == "idea"
    reply = await chat.say("stop")
    assert "Your 3 answers will be lost." in reply
    await chat.click("Keep going")
    assert chat.form.form_id == "log-idea"
    kept = {f.name: f.value for f in chat.form.fields}
    assert (kept["extra"], kept["cost"], kept["checked"]) == (
        "A free coffee while they wait",
        "lots",
        "guidelines",
    )


async def test_an_answer_typed_at_the_cancel_question_keeps_going(engine: Engine) -> None:
    chat = Chat(engine, "asha")
    await _sent_back(chat)
    await chat.say("stop")
    reply = await chat.say("no")
    assert "Log an extra mile" in reply
    assert {f.name: f.value for f in chat.form.fields}["extra"] == TYPED["extra"]
    assert await _step(engine) == "form"


async def test_a_one_line_deed_keeps_a_sent_back_draft(engine: Engine) -> None:
    # Nothing typed is lost: a deed told in one line while a sent-back form waits is
    # saved, and the form's answers stay for later (only `cancel` and a Yes drop them).
    chat = Chat(engine, "asha")
    await _sent_back(chat)
    assert "Saved" in await chat.say("log carried her bags to the bus stop")
    assert await _step(engine) == "form"
    await chat.say("log")
    assert {f.name: f.value for f in chat.form.fields}["extra"] == TYPED["extra"]


async def test_optional_inputs_left_empty_save_nothing_for_them(engine: Engine) -> None:
    # Was "skip skips an optional question": the form's optional inputs are simply left.
    chat = Chat(engine, "asha")
    await chat.say("log")
    optional = {f.name for f in chat.form.fields if not f.required}
    assert optional == {"result", "occurred_on"}
    saved = await chat.submit(extra=TYPED["extra"], customer_need=TYPED["customer_need"])
    assert "Saved" in saved and "How it went" not in saved
    [action] = await _saved(engine)
    assert action.customer_aware is None and action.result == ""
    assert (action.context, action.approach, action.offer_item_id) == ("", "", "")


async def test_a_required_input_cannot_be_left_out(engine: Engine) -> None:
    chat = Chat(engine, "asha")
    await chat.say("log")
    await chat.submit(extra=TYPED["extra"])
    assert chat.form.errors == {"customer_need": "Please tell me the customer's need."}
    assert await _step(engine) == "form"
    assert await _saved(engine) == []
    # A learner's details are required too: their portfolio needs them.
    engine.org.person("tom").__dict__["learner"] = True
    tom = Chat(engine, "tom")
    await tom.say("log")
    await tom.submit(**TYPED)
    assert set(tom.form.errors) == {"context", "approach", "customer_aware", "offer_item"}
    assert await _saved(engine, "tom") == []


async def test_cost_and_minutes_are_checked_when_given(engine: Engine) -> None:
    chat = Chat(engine, "tom")
    await chat.say("idea")
    idea = {
        "extra": "Offer a free coffee while they wait for the repair",
        "customer_need": "Waiting 40 minutes for a phone repair",
        "explanation": "A long wait",
        "checked": "authority,guidelines,regulations,others",
    }
    await chat.submit(**idea, cost="about a tenner", minutes="about an hour")
    errors = chat.form.errors
    assert errors["cost"].startswith("Give the cost as a number")
    assert errors["minutes"].startswith("Give the time in minutes or hours")
    assert set(errors) == {"cost", "minutes"}
    assert await _step(engine, "tom") == "idea"
    kept = {f.name: f.value for f in chat.form.fields}
    assert (kept["cost"], kept["minutes"]) == ("about a tenner", "about an hour")
    reply = await chat.submit(cost="£1.20", minutes="10 min")
    assert "Go ahead: it's within your authority" in reply
    assert await _step(engine, "tom") is None


async def test_a_stale_yes_to_cancel_never_drops_a_later_draft(engine: Engine) -> None:
    # Nothing typed is lost: the Yes of a cancel question answered long ago ("Keep going",
    # then saved) must not throw away the answers of a draft sent back since.
    chat = Chat(engine, "asha")
    await _sent_back(chat)
    await chat.say("cancel")
    stale_yes = chat.button("Yes")
    await chat.click("Keep going")
    assert "Saved" in await chat.submit(occurred_on="today")
    await _sent_back(chat, extra="Found the right charger in the stockroom")
    reply = text_of(await chat.press(stale_yes))
    assert "Cancelled" not in reply, reply
    state = await _state_of(engine)
    assert state is not None and state.data["extra"] == "Found the right charger in the stockroom"


async def test_an_idea_sent_meanwhile_keeps_a_sent_back_deed(engine: Engine) -> None:
    # Nothing typed is lost: an idea proposed while a sent-back deed form waits is sent,
    # and the deed's answers stay for later, as they do for a one-line deed.
    chat = Chat(engine, "asha")
    await _sent_back(chat)
    assert "Sent to Sam Okafor" in await propose_idea(chat)
    assert await _step(engine) == "form"
    await chat.say("log")
    assert {f.name: f.value for f in chat.form.fields}["extra"] == TYPED["extra"]
