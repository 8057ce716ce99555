"""A learner's own words on one of their actions (issue 19): asked as they log (the deed
form), after the follow-up (its form), and at any time from the saved card's "In your
words", a small form of the five questions with the answers given so far. Each answer is
optional; a given one is stored redacted as an evidence statement (storage.evidence), a
changed one as a new statement (the portfolio reads the latest). Only for learners: for
anyone else the form is refused and nothing is stored."""

from __future__ import annotations

from bot.context import Turn
from bot.domain.ids import parse_id
from bot.domain.statements import IDEA_CRITERION, IDEA_QUESTION, QUESTIONS, StatementKind, latest
from bot.domain.text import clean
from bot.messages import Button, FieldKind, Form, FormField, Outbound, Refusal, Text
from bot.routes import OPEN_FORM, FormId, RouteTable, form_about
from storage.actions import recent_actions
from storage.evidence import add_statement, statements_on
from storage.practices import action_owner

WORDS_FORM = "learner-words"
MAX_WORDS = 1500
# The form fields that carry a learner's words, and the kind each is stored as.
WORD_FIELDS = {
    "expectation": StatementKind.EXPECTATION,
    "offer_in_own_words": StatementKind.OFFER_IN_OWN_WORDS,
    "result_words": StatementKind.RESULT,
    "customer_said": StatementKind.CUSTOMER_SAID,
    "reflection": StatementKind.REFLECTION,
}
AFTER_FOLLOW_UP = ("result_words", "customer_said", "reflection")
NOT_A_LEARNER = "That's for people working towards the qualification."
NOT_YOURS = "That action isn't yours."


def words_button(action_id: int) -> Button:
    return Button("In your words", OPEN_FORM, form_about(WORDS_FORM, action_id))


def word_fields(names: tuple[str, ...], values: dict[str, str]) -> tuple[FormField, ...]:
    """The questions `names` as optional inputs, with `values` filled in."""
    return tuple(
        FormField(
            name,
            QUESTIONS[WORD_FIELDS[name]],
            FieldKind.LONG_TEXT,
            required=False,
            value=values.get(name, ""),
            max_length=MAX_WORDS,
        )
        for name in names
    )


def word_problems(values: dict[str, str]) -> dict[str, str]:
    return {
        name: f"Please keep that under {MAX_WORDS:,} characters."
        for name in WORD_FIELDS
        if len(values.get(name, "")) > MAX_WORDS
    }


async def keep_words(turn: Turn, action_id: int, values: dict[str, str]) -> int:
    """Stores a learner's given answers about their action (nothing for anyone else, nor
    for an answer the same as the latest already stored); how many were stored."""
    if not turn.person.learner:
        return 0
    stored = await _current(turn, action_id)
    kept = 0
    for name, kind in WORD_FIELDS.items():
        words = clean(values.get(name, ""))
        if words and words != stored.get(name):
            await add_statement(turn.uow, turn.person.id, kind, words, action_id=action_id)
            kept += 1
    return kept


async def keep_idea_reasoning(turn: Turn, explanation: str) -> None:
    """A learner's explanation of the idea they just proposed (its action the newest of
    theirs), kept as their reasoning on it: checked before acting (P6), in their words."""
    if not turn.person.learner or not clean(explanation):
        return  # most people: nothing read
    newest = await recent_actions(turn.uow, turn.person.id, limit=5)
    if not newest:
        return
    await add_statement(
        turn.uow,
        turn.person.id,
        StatementKind.REASONING,
        explanation,
        action_id=max(a.id for a in newest),
        criterion=IDEA_CRITERION,
        question=IDEA_QUESTION,
    )


async def _current(turn: Turn, action_id: int) -> dict[str, str]:
    found = latest((await statements_on(turn.uow, [action_id])).get(action_id, []))
    by_kind = {kind: s.answer for (_, kind, criterion), s in found.items() if not criterion}
    return {name: by_kind[kind] for name, kind in WORD_FIELDS.items() if kind in by_kind}


async def _own(turn: Turn, param: str) -> int | Refusal:
    if not turn.person.learner:
        return Refusal(NOT_A_LEARNER)
    action_id = parse_id(param)
    if action_id is None or await action_owner(turn.uow, action_id) != turn.person.id:
        return Refusal(NOT_YOURS)
    return action_id


def _form(action_id: int, values: dict[str, str], errors: dict[str, str]) -> Form:
    return Form(
        form_id=form_about(WORDS_FORM, action_id),
        title="In your words",
        intro="For your portfolio: a sentence or two each, any you like. Leave the rest.",
        fields=word_fields(tuple(WORD_FIELDS), values),
        submit_label="Keep",
        errors=errors,
    )


async def open_words(turn: Turn, param: str) -> list[Outbound]:
    action_id = await _own(turn, param)
    if isinstance(action_id, Refusal):
        return [action_id]
    return [_form(action_id, await _current(turn, action_id), {})]


async def submit_words(turn: Turn, form: FormId, values: dict[str, str]) -> list[Outbound]:
    action_id = await _own(turn, form.param)
    if isinstance(action_id, Refusal):
        return [action_id]
    typed = {name: clean(values.get(name, "")) for name in WORD_FIELDS}
    if errors := word_problems(typed):
        return [_form(action_id, typed, errors)]
    kept = await keep_words(turn, action_id, typed)
    if not kept:
        return [Text("Nothing new to keep. Your earlier answers stay in your portfolio.")]
    answers = "answer" if kept == 1 else "answers"
    return [Text(f"Thank you! {kept} {answers} kept for your portfolio, in your words.")]


def register(routes: RouteTable) -> None:
    routes.form(
        WORDS_FORM,
        submit_words,
        opens=lambda turn, form: open_words(turn, form.param),
        with_param=True,
    )
