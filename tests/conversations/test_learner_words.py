"""Issue 19a: evidence in a learner's own words, asked at the right moment and stored
redacted as evidence statements. When logging a deed the learner's form adds two optional
questions (what the customer expected and why; what our offer gives them, in their words);
the follow-up adds what happened, what the customer said and what they would do
differently; each can be given later from the saved card's "In your words". Someone who
is not a learner is never asked: their form is exactly four inputs, their follow-up has no
such questions, their saved card no such button, and the words form refuses them."""

from __future__ import annotations

from bot.domain.statements import StatementKind
from bot.engine import Engine
from bot.messages import ButtonClick, FieldKind, Form, FormSubmission, Refusal
from bot.routes import OPEN_FORM, form_about
from storage.evidence import statements_of
from storage.uow import UnitOfWork
from tests.conversations.test_log_in_a_minute import actions, inputs_of
from tests.fakes.chat import Chat
from tests.fakes.deeds import DEED, EVERY_BOX, propose_idea

WORDS = ("expectation", "offer_in_own_words")
DETAILS = {
    "context": "quiet",
    "approach": "initiative",
    "customer_aware": "yes",
    "offer_item": "carry-out",
}


def learner(engine: Engine, person: str) -> Chat:
    engine.org.person(person).__dict__["learner"] = True  # the org file's learner: true
    return Chat(engine, person)


async def said(engine: Engine, person: str) -> dict[StatementKind, str]:
    async with UnitOfWork(engine.database) as uow:
        return {s.kind: s.answer for s in await statements_of(uow, person)}


async def test_a_learners_deed_form_asks_two_optional_questions_in_their_words(
    engine: Engine,
) -> None:
    chat = learner(engine, "tom")
    await chat.say("log")
    fields = {f.name: f for f in chat.form.fields}
    assert inputs_of(chat)[-2:] == list(WORDS)
    assert fields["expectation"].label == "What did the customer expect, and why?"
    assert fields["offer_in_own_words"].label == (
        "What does our routine offer give them? In your words"
    )
    assert all(fields[w].kind is FieldKind.LONG_TEXT and not fields[w].required for w in WORDS)
    await chat.submit(
        **DEED,
        **DETAILS,
        expectation="Mrs Jones of 4 Elm Road, 07700 900123, expected us to hold the bag",
        offer_in_own_words="We help to the car with bulky items if they ask",
    )
    [row] = await actions(engine)
    stored = await said(engine, "tom")
    assert set(stored) == {StatementKind.EXPECTATION, StatementKind.OFFER_IN_OWN_WORDS}
    assert "07700" not in stored[StatementKind.EXPECTATION]
    assert "Jones" not in stored[StatementKind.EXPECTATION]
    assert "Elm Road" not in stored[StatementKind.EXPECTATION]
    async with UnitOfWork(engine.database) as uow:
        assert {s.action_id for s in await statements_of(uow, "tom")} == {row.id}


async def test_left_empty_nothing_is_stored(engine: Engine) -> None:
    chat = learner(engine, "tom")
    await chat.say("log")
    await chat.submit(**DEED, **DETAILS)
    assert len(await actions(engine)) == 1
    assert await said(engine, "tom") == {}


async def test_a_non_learner_is_never_asked(engine: Engine) -> None:
    chat = Chat(engine, "asha")
    await chat.say("log")
    assert inputs_of(chat) == ["extra", "customer_need", "result", "occurred_on"]
    await chat.submit(**DEED)
    assert "In your words" not in [b.label for b in chat.visible_buttons()]
    [row] = await actions(engine)
    follow_up = await chat.send(
        ButtonClick(chat.sender, OPEN_FORM, form_about("follow-up", row.id), "k-fu-asha")
    )
    [form] = [r for r in follow_up if isinstance(r, Form)]
    assert not {"result_words", "customer_said", "reflection"} & {f.name for f in form.fields}
    await chat.submit(affected_others="no", customer_noticed="yes")
    words = await chat.send(
        ButtonClick(chat.sender, OPEN_FORM, form_about("learner-words", row.id), "k-w-asha")
    )
    assert [type(r) for r in words] == [Refusal]
    assert await said(engine, "asha") == {}


async def test_the_follow_up_asks_a_learner_what_happened_and_what_they_would_change(
    engine: Engine,
) -> None:
    chat = learner(engine, "tom")
    await chat.say("log")
    await chat.submit(**DEED, **DETAILS)
    [row] = await actions(engine)
    await chat.send(ButtonClick(chat.sender, OPEN_FORM, form_about("follow-up", row.id), "k1"))
    names = inputs_of(chat)
    assert names[-3:] == ["result_words", "customer_said", "reflection"]
    assert not any(f.required for f in chat.form.fields if f.name in names[-3:])
    await chat.submit(
        affected_others="no",
        customer_noticed="yes",
        result_words="She got the bus home",
        customer_said="She said thank you, call me on 07700 900123",
        reflection="I'd ask a colleague to cover first",
    )
    stored = await said(engine, "tom")
    assert stored[StatementKind.RESULT] == "She got the bus home"
    assert "07700" not in stored[StatementKind.CUSTOMER_SAID]
    assert stored[StatementKind.REFLECTION] == "I'd ask a colleague to cover first"


async def test_words_can_be_given_later_from_the_saved_card(engine: Engine) -> None:
    chat = learner(engine, "tom")
    await chat.say("log")
    await chat.submit(**DEED, **DETAILS, expectation="A dry walk to the bus")
    await chat.click("In your words")
    fields = {f.name: f for f in chat.form.fields}
    assert fields["expectation"].value == "A dry walk to the bus"
    assert set(fields) == {
        "expectation",
        "offer_in_own_words",
        "result_words",
        "customer_said",
        "reflection",
    }
    reply = await chat.submit(offer_in_own_words="Help to the car if asked", reflection="Sooner")
    assert "portfolio" in reply
    stored = await said(engine, "tom")
    assert stored[StatementKind.OFFER_IN_OWN_WORDS] == "Help to the car if asked"
    assert stored[StatementKind.REFLECTION] == "Sooner"
    async with UnitOfWork(engine.database) as uow:
        kinds = [s.kind for s in await statements_of(uow, "tom")]
    assert kinds.count(StatementKind.EXPECTATION) == 1  # unchanged: not stored again


async def test_a_learners_explanation_of_an_idea_is_kept_as_their_reasoning(
    engine: Engine,
) -> None:
    chat = learner(engine, "tom")
    await propose_idea(chat, cost="4", checked=EVERY_BOX)  # inside authority: goes ahead
    [row] = await actions(engine)
    async with UnitOfWork(engine.database) as uow:
        [reasoning] = await statements_of(uow, "tom")
    assert (reasoning.kind, reasoning.criterion, reasoning.action_id) == (
        StatementKind.REASONING,
        "P6",
        row.id,
    )
    await propose_idea(Chat(engine, "asha"))
    assert await said(engine, "asha") == {}


async def test_someone_elses_action_is_refused(engine: Engine) -> None:
    chat = learner(engine, "tom")
    await chat.say("log")
    await chat.submit(**DEED, **DETAILS)
    [row] = await actions(engine)
    other = learner(engine, "leila")
    words = form_about("learner-words", row.id)
    assert [
        type(r) for r in await other.send(ButtonClick(other.sender, OPEN_FORM, words, "x"))
    ] == [Refusal]
    await other.send(FormSubmission(other.sender, words, {"reflection": "Mine now"}, "y"))
    assert await said(engine, "tom") == {} and await said(engine, "leila") == {}
