"""`knowledge` (the next question, or `knowledge list`), the answer form and Skip."""

from __future__ import annotations

from bot.context import Turn
from bot.domain.assessment import KNOWLEDGE_QUESTIONS
from bot.domain.statements import StatementKind
from bot.domain.text import clean
from bot.features.knowledge.questions import (
    ANSWER_FORM,
    MAX_ANSWER,
    KnowledgeButton,
    answer_form,
    answered,
    next_question,
    question_card,
    settled_card,
)
from bot.messages import CardUpdate, Outbound, Refusal, Text
from bot.routes import FormId, RouteTable
from storage.assessment import skip_question
from storage.evidence import add_statement

FOR_LEARNERS = (
    "Knowledge questions are for people working towards the customer service "
    "qualification. Try `log` to record something you did."
)
UNKNOWN = "I don't recognise that question. Say `knowledge` for your next one."
ALL_DONE = (
    "You've answered every knowledge question. Thank you! Your assessor will read your "
    "answers in your portfolio."
)


async def command(turn: Turn, rest: str) -> list[Outbound]:
    if not turn.person.learner:
        return [Text(FOR_LEARNERS)]
    if rest.strip().lower() in ("list", "all"):
        return [await _listed(turn)]
    criterion = await next_question(turn, turn.person.id)
    if criterion is None:
        return [Text(ALL_DONE)]
    return [question_card(turn.person.id, criterion)]


async def _listed(turn: Turn) -> Text:
    done = await answered(turn, turn.person.id)
    lines = [
        f"{'✓' if code in done else '•'} {question}"
        for code, question in KNOWLEDGE_QUESTIONS.items()
    ]
    return Text(
        f"Your knowledge questions ({len(done)} of {len(lines)} answered):\n"
        + "\n".join(lines)
        + "\n\nSay `knowledge` to answer the next one."
    )


def _checked(turn: Turn, criterion: str) -> Refusal | None:
    if not turn.person.learner:
        return Refusal(FOR_LEARNERS)
    return None if criterion in KNOWLEDGE_QUESTIONS else Refusal(UNKNOWN)


async def open_answer(turn: Turn, form: FormId) -> list[Outbound]:
    refused = _checked(turn, form.param)
    return [refused] if refused else [answer_form(form.param)]


async def submit_answer(turn: Turn, form: FormId, values: dict[str, str]) -> list[Outbound]:
    criterion = form.param
    refused = _checked(turn, criterion)
    if refused:
        return [refused]
    words = clean(values.get("answer", ""))
    if not words:
        return await _skip(turn, criterion)
    if len(words) > MAX_ANSWER:
        problem = f"That's {len(words):,} characters; please keep it under {MAX_ANSWER:,}."
        return [answer_form(criterion, {"answer": problem}, words)]
    statement = await add_statement(
        turn.uow,
        turn.person.id,
        StatementKind.KNOWLEDGE,
        words,
        question=KNOWLEDGE_QUESTIONS[criterion],
        criterion=criterion,
        at=turn.now,
    )
    card = settled_card(turn.person.id, criterion, statement.answer)
    return [CardUpdate(card.card_key or "", card), Text("Thank you: that's in your portfolio.")]


async def skip(turn: Turn, criterion: str) -> list[Outbound]:
    refused = _checked(turn, criterion)
    return [refused] if refused else await _skip(turn, criterion)


async def _skip(turn: Turn, criterion: str) -> list[Outbound]:
    await skip_question(turn.uow, turn.person.id, criterion, turn.now)
    card = settled_card(turn.person.id, criterion, None)
    return [CardUpdate(card.card_key or "", card)]


def register(routes: RouteTable) -> None:
    routes.command("knowledge", handler=command)
    routes.click(KnowledgeButton.SKIP, skip)
    routes.form(ANSWER_FORM, submit_answer, opens=open_answer, with_param=True)
