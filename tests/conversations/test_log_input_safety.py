"""Input is safe mid-flow (issue 16): command words inside an answer, cancelling with
answers, skipping optional questions, each answer checked as it is given."""

from __future__ import annotations

import pytest

from bot.engine import Engine
from storage.actions import recent_actions
from storage.conversations import load_state
from storage.uow import UnitOfWork
from tests.fakes.chat import Chat


async def _saved(engine: Engine, person: str = "asha") -> list:  # type: ignore[type-arg]
    async with UnitOfWork(engine.database) as uow:
        return await recent_actions(uow, person)


async def _step(engine: Engine, person: str = "asha") -> str | None:
    async with UnitOfWork(engine.database) as uow:
        state = await load_state(uow, person)
    return None if state is None else state.step


async def _to_result(chat: Chat) -> str:
    """A done deed answered up to "How did it go?"."""
    await chat.say("log carried a TV to her car")
    await chat.say("Couldn't lift a TV into her car")
    await chat.click("Not covered by our routine offer")
    await chat.click("I did it")
    await chat.click("A busy time")
    await chat.click("My own initiative")
    return await chat.click("Yes")


async def test_stop_inside_an_answer_is_the_answer(engine: Engine) -> None:
    chat = Chat(engine, "asha")
    assert "How did it go?" in await _to_result(chat)
    review = await chat.say("Stop worrying, the mum said, you've made my day")
    assert "Cancelled" not in review and "Check before I save it" in review
    assert "How it went: Stop worrying, the mum said, you've made my day" in review


async def test_help_inside_an_answer_is_the_answer(engine: Engine) -> None:
    chat = Chat(engine, "asha")
    await chat.say("log carried a TV to her car")
    reply = await chat.say("help with a big TV box")
    assert "What I can do" not in reply
    assert "What does our routine service offer" in reply
    assert await _step(engine) == "ask:offer_item"


@pytest.mark.parametrize("typed", ["Help", " help! ", "HELP."])
async def test_help_alone_is_still_help(engine: Engine, typed: str) -> None:
    chat = Chat(engine, "asha")
    await chat.say("log carried a TV to her car")
    reply = await chat.say(typed)
    assert "What I can do" in reply and "What did the customer need" in reply
    assert await _step(engine) == "ask:customer_need"


async def test_a_draft_with_no_answers_cancels_at_once(engine: Engine) -> None:
    chat = Chat(engine, "asha")
    await chat.say("log gave directions")
    assert "Cancelled. Nothing was saved." in await chat.say(" Stop! ")
    assert await _step(engine) is None


async def test_cancelling_a_draft_with_answers_asks_first(engine: Engine) -> None:
    chat = Chat(engine, "asha")
    await _to_result(chat)
    reply = await chat.say("Cancel.")
    assert "Cancel this action? Your 6 answers will be lost." in reply
    assert await _step(engine) is not None
    back = await chat.click("Keep going")
    assert "How did it go?" in back
    await chat.say("cancel")
    assert "Cancelled. Nothing was saved." in await chat.click("Yes")
    assert await _step(engine) is None
    assert await _saved(engine) == []


async def test_an_answer_typed_at_the_cancel_question_keeps_going(engine: Engine) -> None:
    chat = Chat(engine, "asha")
    await _to_result(chat)
    await chat.say("stop")
    reply = await chat.say("no")
    assert "How did it go?" in reply
    assert await _step(engine) == "ask:result"


async def test_skip_skips_an_optional_question_and_saves_nothing_for_it(engine: Engine) -> None:
    chat = Chat(engine, "asha")
    await chat.say("log carried a TV to her car")
    await chat.say("Couldn't lift a TV into her car")
    await chat.click("Not covered by our routine offer")
    await chat.click("I did it")
    await chat.click("A busy time")
    aware = await chat.click("My own initiative")
    assert "Did the customer know it was something extra? (optional)" in aware
    result = await chat.say("skip")
    assert "How did it go? (optional)" in result
    review = await chat.say("")  # an empty answer to an optional question
    assert "Check before I save it" in review
    assert "skip" not in review.lower()
    assert "Saved" in await chat.click("Save")
    [action] = await _saved(engine)
    assert action.customer_aware is None and action.result == ""


async def test_a_required_question_cannot_be_skipped(engine: Engine) -> None:
    chat = Chat(engine, "asha")
    question = await chat.say("log carried a TV to her car")
    assert "(optional)" not in question
    reply = await chat.say("Skip")
    assert "can't be skipped" in reply and "What did the customer need" in reply
    assert await _step(engine) == "ask:customer_need"


async def _to_cost(chat: Chat) -> str:
    await chat.say("log offer a free coffee while they wait for the repair")
    await chat.say("Waiting 40 minutes for a phone repair")
    await chat.click("Not covered by our routine offer")
    await chat.click("It's an idea I propose")
    await chat.click("A quiet time")
    return await chat.click("My own initiative")


async def test_cost_and_minutes_are_checked_when_given(engine: Engine) -> None:
    chat = Chat(engine, "tom")
    await _to_cost(chat)
    reply = await chat.say("about a tenner")
    assert "Give the cost as a number" in reply and "what would it cost?" in reply
    await chat.say("£1.20")
    reply = await chat.say("about an hour")
    assert "Give the time" in reply and "how many minutes" in reply
    assert await _step(engine, "tom") == "ask:minutes"
    authority = await chat.say("20 min")
    assert "within your own authority" in authority
    assert "(optional)" not in authority
