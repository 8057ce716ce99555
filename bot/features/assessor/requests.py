"""An assessor's request for a piece of evidence: the learner's card, its answer form, and
the answer stored as an evidence statement."""

from __future__ import annotations

from bot.context import Turn
from bot.domain.assessment import EvidenceRequest
from bot.domain.ids import parse_id
from bot.domain.names import person_name
from bot.domain.statements import StatementKind
from bot.domain.text import clean, shorten
from bot.errors import UserError
from bot.features.approvals.notes import note_form
from bot.messages import (
    Button,
    ButtonStyle,
    Card,
    CardField,
    CardUpdate,
    Form,
    Outbound,
    Refusal,
    Text,
)
from bot.routes import OPEN_FORM, FormId, form_about
from storage.assessment import answer_request, get_request
from storage.evidence import add_statement

ANSWER_FORM = "evidence-answer"
MAX_ANSWER = 1500
NOT_YOURS = "That request isn't yours to answer."
ANSWERED = "You've answered that request already; nothing changed."


def request_card(turn: Turn, request: EvidenceRequest, words: str | None = None) -> Card:
    """The learner's card: the assessor's words, and Answer (or, answered, their words)."""
    assessor = person_name(turn.org, request.assessor_id)
    buttons = (
        ()
        if words is not None
        else (
            Button("Answer", OPEN_FORM, form_about(ANSWER_FORM, request.id), ButtonStyle.PRIMARY),
        )
    )
    return Card(
        title=f"{assessor}, your assessor, asks for a piece of evidence"
        if words is None
        else "✓ Answered: it's in your portfolio",
        text=f"“{shorten(request.what, 600)}”",
        fields=(CardField("Your answer", shorten(words, 500)),) if words else (),
        buttons=buttons,
        card_key=request.card_key,
    )


def _form(request: EvidenceRequest, errors: dict[str, str] | None = None, value: str = "") -> Form:
    return note_form(
        form_about(ANSWER_FORM, request.id),
        "Your evidence",
        "answer",
        "In your own words",
        "Send",
        errors or {},
        value,
        intro=shorten(request.what, 600),
        max_length=MAX_ANSWER,
    )


async def _mine(turn: Turn, param: str) -> EvidenceRequest | Refusal:
    request_id = parse_id(param)
    request = None if request_id is None else await get_request(turn.uow, request_id)
    if request is None or request.learner_id != turn.person.id:
        return Refusal(NOT_YOURS)
    if request.statement_id is not None:
        return Refusal(ANSWERED)
    return request


async def open_answer(turn: Turn, form: FormId) -> list[Outbound]:
    request = await _mine(turn, form.param)
    return [request] if isinstance(request, Refusal) else [_form(request)]


async def submit_answer(turn: Turn, form: FormId, values: dict[str, str]) -> list[Outbound]:
    request = await _mine(turn, form.param)
    if isinstance(request, Refusal):
        return [request]
    words = clean(values.get("answer", ""))
    if not words or len(words) > MAX_ANSWER:
        problem = "A few words, please." if not words else f"Please keep it under {MAX_ANSWER:,}."
        return [_form(request, {"answer": problem}, words)]
    statement = await add_statement(
        turn.uow,
        turn.person.id,
        StatementKind.KNOWLEDGE,
        words,
        question=f"Your assessor asked: {request.what}",
        criterion=request.criterion,
        at=turn.now,
    )
    if not await answer_request(turn.uow, request.id, statement.id, turn.now):
        raise UserError(ANSWERED)  # answered meanwhile: roll this statement back
    card = request_card(turn, request, statement.answer)
    learner = person_name(turn.org, turn.person.id)
    await turn.notify.person(
        request.assessor_id,
        Text(
            f"{learner} answered your request “{shorten(request.what, 120)}”: "
            f"“{shorten(statement.answer, 400)}”"
        ),
        request.card_key,
        "answered",
    )
    return [CardUpdate(request.card_key, card), Text("Sent. It's in your portfolio.")]
