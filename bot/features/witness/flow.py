"""Asking a witness after a learner's deed is saved, their one tap and optional sentence,
and the learner naming a colleague who saw it."""

from __future__ import annotations

from dataclasses import replace

from bot.context import Scene, Turn
from bot.domain.approvers import availability, chain_above
from bot.domain.assessment import WitnessAnswer, WitnessRelation, WitnessStatement
from bot.domain.ids import parse_id
from bot.domain.org import Person
from bot.domain.text import clean
from bot.features.approvals.notes import note_form
from bot.features.witness.card import (
    MAX_WORDS,
    WORDS_FORM,
    WitnessButton,
    colleague_picker,
    learner_note,
    told_learner,
    witness_card,
)
from bot.messages import CardUpdate, Form, Outbound, Refusal, Text
from bot.routes import FormId, RouteTable, form_about
from storage import witness as store
from storage.events import audit
from storage.requests import stored_availability

NOT_YOURS = "Only the person asked can answer this."
ANSWERED = "You've answered this already; nothing changed."
NOT_YOUR_ACTION = "You can only ask about your own actions."
NOBODY_ELSE = "There's nobody else I can ask about this one."


async def ask_after_save(turn: Turn, action_id: int) -> list[Outbound]:
    """A learner's deed was saved: ask their supervisor, and offer to ask someone else.
    Nothing for anyone else."""
    if not turn.person.learner:
        return []
    supervisor = await _witness_for(turn)
    if supervisor is not None:
        await _ask(turn, action_id, supervisor, WitnessRelation.SUPERVISOR)
    return [learner_note(action_id, supervisor)]


async def _witness_for(turn: Turn) -> Person | None:
    """The learner's supervisor; while they are away, the person standing in for them."""
    supervisor = turn.org.person(turn.person.supervisor) if turn.person.supervisor else None
    if supervisor is None:
        return None
    away = availability(turn.org, await stored_availability(turn.uow)).get(supervisor.id)
    if away is not None and away.away_on(turn.today) and away.delegate:
        return turn.org.person(away.delegate) or supervisor
    return supervisor


async def _ask(
    scene: Scene, action_id: int, witness: Person, relation: WitnessRelation
) -> WitnessStatement | None:
    deed = await store.witnessed_action(scene.uow, action_id)
    if deed is None:
        return None
    statement = await store.ask(
        scene.uow,
        action_id=action_id,
        learner_id=deed.person_id,
        witness_id=witness.id,
        relation=relation,
        witness_role=witness.role.value,
        at=scene.now,
    )
    if statement is not None:
        card = witness_card(scene.org, statement, deed)
        await scene.notify.person(witness.id, card, statement.card_key, "asked")
    return statement


def _colleagues(turn: Turn, asked: set[str]) -> list[Person]:
    """Who a learner may name: their team, and the people above them (not already asked)."""
    me = turn.person
    team = [p for p in turn.org.people if p.supervisor == me.supervisor and me.supervisor]
    above_ids = {p.id for p in chain_above(turn.org, me.id)}
    above = [p for p in turn.org.people if p.id in above_ids]  # in the file's order
    found = {p.id: p for p in [*team, *above] if p.id != me.id and p.id not in asked}
    return list(found.values())


async def _own_action(turn: Turn, value: str) -> int | None:
    action_id = parse_id(value)
    if action_id is None:
        return None
    deed = await store.witnessed_action(turn.uow, action_id)
    return action_id if deed is not None and deed.person_id == turn.person.id else None


async def someone_else(turn: Turn, value: str) -> list[Outbound]:
    action_id = await _own_action(turn, value)
    if action_id is None:
        return [Refusal(NOT_YOUR_ACTION)]
    asked = {s.witness_id for s in await store.asked_on(turn.uow, action_id)}
    colleagues = _colleagues(turn, asked)
    if not colleagues:
        return [Refusal(NOBODY_ELSE)]
    return [colleague_picker(action_id, colleagues)]


async def ask_colleague(turn: Turn, value: str) -> list[Outbound]:
    action_part, _, colleague_id = value.partition(":")
    action_id = await _own_action(turn, action_part)
    if action_id is None:
        return [Refusal(NOT_YOUR_ACTION)]
    colleague = turn.org.person(colleague_id)
    if colleague is None or colleague not in _colleagues(turn, set()):
        return [Refusal(NOBODY_ELSE)]
    if await _ask(turn, action_id, colleague, WitnessRelation.COLLEAGUE) is None:
        return [Refusal(f"You've asked {colleague.name} already; nothing changed.")]
    return [Text(f"Asked {colleague.name}. I'll tell you when they confirm it.")]


async def tap(turn: Turn, value: str) -> list[Outbound]:
    id_part, _, given = value.partition(":")
    statement = await _witness_statement(turn, id_part)
    if isinstance(statement, Refusal):
        return [statement]
    try:
        answer = WitnessAnswer(given)
    except ValueError:
        return [Refusal(NOT_YOURS)]
    if not await store.answer(turn.uow, statement.id, answer, turn.now):
        return [Refusal(ANSWERED)]
    await audit(
        turn.uow,
        actor_id=turn.person.id,
        action="witness.answered",
        subject_type="action",
        subject_id=str(statement.action_id),
        detail={"answer": answer.value, "learner": statement.learner_id},
    )
    answered = replace(statement, answer=answer, answered_at=turn.now)
    update = await _updated(turn, answered, "answered")
    if answer.evidence:
        deed = await store.witnessed_action(turn.uow, statement.action_id)
        assert deed is not None
        text = Text(told_learner(turn.org, answered, deed))
        await turn.notify.person(statement.learner_id, text, statement.card_key, "told")
    return [update]


async def _witness_statement(turn: Turn, value: str) -> WitnessStatement | Refusal:
    statement_id = parse_id(value)
    found = None if statement_id is None else await store.get_statement(turn.uow, statement_id)
    if found is None or found.witness_id != turn.person.id:
        return Refusal(NOT_YOURS)
    return found


async def _updated(turn: Turn, statement: WitnessStatement, label: str) -> CardUpdate:
    """The witness's card in its new state: inline for the click, and on their other copies."""
    deed = await store.witnessed_action(turn.uow, statement.action_id)
    assert deed is not None
    update = CardUpdate(statement.card_key, witness_card(turn.org, statement, deed))
    await turn.notify.person(statement.witness_id, update, statement.card_key, label)
    return update


def _words_form(statement_id: int, errors: dict[str, str], value: str = "") -> Form:
    return note_form(
        form_about(WORDS_FORM, statement_id),
        "Add a sentence",
        "words",
        "What did you see or hear? (a sentence is plenty)",
        "Add",
        errors,
        value,
    )


async def open_words(turn: Turn, form: FormId) -> list[Outbound]:
    statement = await _witness_statement(turn, form.param)
    if isinstance(statement, Refusal):
        return [statement]
    if statement.answer is None or statement.words:
        return [Refusal(ANSWERED)]
    return [_words_form(statement.id, {})]


async def submit_words(turn: Turn, form: FormId, values: dict[str, str]) -> list[Outbound]:
    statement = await _witness_statement(turn, form.param)
    if isinstance(statement, Refusal):
        return [statement]
    words = clean(values.get("words", ""))
    if not words or len(words) > MAX_WORDS:
        problem = "A few words, please." if not words else f"Please keep it under {MAX_WORDS}."
        return [_words_form(statement.id, {"words": problem}, words)]
    if not await store.add_words(turn.uow, statement.id, words):
        return [Refusal(ANSWERED)]
    added = await store.get_statement(turn.uow, statement.id)
    assert added is not None
    return [await _updated(turn, added, "words")]


def register(routes: RouteTable) -> None:
    routes.click(WitnessButton.ANSWER, tap)
    routes.click(WitnessButton.OTHERS, someone_else)
    routes.click(WitnessButton.ASK, ask_colleague)
    routes.form(WORDS_FORM, submit_words, opens=open_words, with_param=True)
