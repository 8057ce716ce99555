"""An approver asks for more information, and the requester answers it: the answer shows
on the card, and the approver gets a fresh copy of it."""

from __future__ import annotations

from bot.context import Turn
from bot.domain.actions import RequestStatus
from bot.domain.names import person_name
from bot.domain.records import RequestView
from bot.domain.text import shorten
from bot.features.approvals.access import already, find_request
from bot.features.approvals.card import update_everywhere
from bot.features.approvals.notes import (
    ANSWER_FORM,
    QUESTION,
    answer_form,
    ask_for_note,
    read_note,
    submitted_note,
)
from bot.messages import Button, ButtonStyle, Card, Outbound, Refusal, Text
from bot.routes import OPEN_FORM, FormId, form_about
from storage.events import audit
from storage.requests import answer_question, ask_more, get_request

NOT_YOUR_QUESTION = "That question isn't yours to answer."
ANSWERED = "That question has been answered already, or the request decided."


async def start_ask(turn: Turn, request_id: str) -> list[Outbound]:
    return await ask_for_note(turn, request_id, QUESTION)


async def submit_ask(turn: Turn, form: FormId, values: dict[str, str]) -> list[Outbound]:
    submitted = await submitted_note(turn, form, values, QUESTION)
    if isinstance(submitted, list):
        return submitted
    request, question = submitted
    return await _ask(turn, request, question)


async def _ask(turn: Turn, request: RequestView, question: str) -> list[Outbound]:
    if not await ask_more(turn.uow, request.id, by=turn.person.id, question=question):
        latest = await get_request(turn.uow, request.id)
        assert latest is not None
        return already(turn, latest)
    asked = await get_request(turn.uow, request.id)
    assert asked is not None
    await audit(
        turn.uow,
        actor_id=turn.person.id,
        action="request.asked",
        subject_type="request",
        subject_id=str(request.id),
    )
    who = person_name(turn.org, turn.person.id)
    await turn.notify.person(
        request.requester_id,
        Card(
            title=f"{who} has a question about your idea",
            text=f"“{question}”\nYour idea: {shorten(request.extra, 200)}",
            buttons=(
                Button(
                    "Answer", OPEN_FORM, form_about(ANSWER_FORM, request.id), ButtonStyle.PRIMARY
                ),
            ),
        ),
        request.card_key,
        "asked",
        len(question),
        turn.now.timestamp(),
    )
    update = await update_everywhere(turn, asked, f"asked:{turn.now.timestamp()}")
    requester = person_name(turn.org, request.requester_id).split()[0]
    return [update, Text(f"Asked. I'll show you {requester}'s answer on the card.")]


async def open_answer_form(turn: Turn, request_id: str) -> list[Outbound]:
    request = await find_request(turn, request_id)
    if request is None or request.requester_id != turn.person.id:
        return [Refusal(NOT_YOUR_QUESTION)]
    if request.status != RequestStatus.INFO_REQUESTED:
        return [Refusal(ANSWERED)]
    return [answer_form(request_id)]


async def submit_answer(turn: Turn, form: FormId, values: dict[str, str]) -> list[Outbound]:
    request_id = form.param
    request = await find_request(turn, request_id)
    if request is None or request.requester_id != turn.person.id:
        return [Refusal(NOT_YOUR_QUESTION)]
    text, problem = read_note(values, "answer")
    if problem:
        return [answer_form(request_id, {"answer": problem}, text)]
    if not await answer_question(turn.uow, request.id, answer=text):
        return [Refusal(ANSWERED)]
    answered = await get_request(turn.uow, request.id)
    assert answered is not None
    await audit(
        turn.uow,
        actor_id=turn.person.id,
        action="request.answered",
        subject_type="request",
        subject_id=str(request.id),
    )
    who = person_name(turn.org, turn.person.id)
    stamp = turn.now.timestamp()
    await update_everywhere(turn, answered, f"answered:{stamp}", f"{who} answered your question.")
    # One card per request: it changes in place; a short word makes the phone buzz.
    await turn.notify.person(
        answered.approver_id,
        Text(
            f"{who} answered your question: “{shorten(text, 200)}”. "
            "Their request's card now shows it, with your buttons."
        ),
        answered.card_key,
        "answered-word",
        stamp,
    )
    return [Text(f"Sent your answer to {person_name(turn.org, answered.approver_id)}.")]
