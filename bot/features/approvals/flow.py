"""Feasibility requests (P6-P9): an idea beyond someone's authority, decided in one click.

Decisions are conditional updates (first writer wins, the second is told who
decided); everything sent to someone other than the clicker goes through the
outbox in the same transaction as the change it reports.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from bot.context import Scene, Turn
from bot.domain.actions import ActionStatus, Approach, CheckedAction, RequestStatus
from bot.domain.approvers import availability, refusal, route
from bot.domain.feasibility import FeasibilityCheck, Verdict, assess, money
from bot.domain.ids import parse_id
from bot.domain.names import person_name
from bot.domain.org import Organisation
from bot.domain.records import RequestView
from bot.domain.text import clean, one_line, shorten
from bot.features.general.flow import Menu
from bot.features.nominations import flow as nominations
from bot.messages import (
    Button,
    ButtonStyle,
    Card,
    CardField,
    CardUpdate,
    FieldKind,
    Form,
    FormField,
    Outbound,
    Refusal,
    Text,
)
from bot.routes import OPEN_FORM, ActionId, FormId, RouteTable, form_about
from storage.actions import add_action
from storage.events import audit
from storage.requests import (
    answer_question,
    ask_more,
    create_request,
    decide,
    get_request,
    mark_reminded,
    open_requests,
    reassign,
    stored_availability,
)

DECLINE_FORM = "request-decline"
ASK_FORM = "request-ask"
ANSWER_FORM = "request-answer"


class RequestButton(ActionId):
    """An approver's buttons on a request card; the value is the request's id."""

    APPROVE = "request.approve"
    DECLINE = "request.decline"
    ASK = "request.ask"


MAX_NOTE = 500


# --- an idea is saved ---------------------------------------------------------------------


async def submit_idea(
    turn: Turn, action: CheckedAction, check: FeasibilityCheck, explanation: str
) -> list[Outbound]:
    authority = turn.org.policy.staff_authority
    verdict = assess(check, authority)
    if verdict.go_ahead:
        # Inside the person's own authority: no request, recorded as done under procedure.
        done = replace(action, status=ActionStatus.DONE, approach=Approach.PROCEDURE)
        saved = await add_action(
            turn.uow, turn.person.id, done, cost=check.cost, minutes=check.minutes
        )
        await audit(
            turn.uow,
            actor_id=turn.person.id,
            action="action.go_ahead",
            subject_type="action",
            subject_id=str(saved.id),
        )
        practice = await nominations.ask_practice(turn, saved.id, saved.extra)
        spend = money(check.cost, authority.currency)
        return [
            Card(
                title="Go ahead: it's within your authority ✅",
                text=f"{spend} and {check.minutes} minutes, inside your "
                f"{money(authority.max_cost, authority.currency)} and "
                f"{authority.max_minutes} minutes, with no doubt on guidelines, regulations "
                "or other customers. I've logged it as done under procedure; make sure the "
                f"customer knows it's something extra. I'll ask how it went in "
                f"{turn.org.policy.follow_up_days} days.",
                buttons=(Button("My actions", Menu.MINE),),
            ),
            *practice,
        ]
    approver = await _route(turn, turn.person.id)
    pending = replace(action, status=ActionStatus.PENDING_APPROVAL)
    saved = await add_action(
        turn.uow, turn.person.id, pending, cost=check.cost, minutes=check.minutes
    )
    if approver is None:
        return [
            Text(
                "I saved your idea, but nobody who can approve it is around (everyone "
                "is away). Please ask a manager in person."
            )
        ]
    request_id = await create_request(
        turn.uow,
        action_id=saved.id,
        requester_id=turn.person.id,
        approver_id=approver,
        check=check,
        explanation=explanation,
        now=turn.now,
    )
    await audit(
        turn.uow,
        actor_id=turn.person.id,
        action="request.created",
        subject_type="request",
        subject_id=str(request_id),
        detail={"to": approver},
    )
    request = await get_request(turn.uow, request_id)
    assert request is not None
    await send_card(turn, request, approver)
    practice = await nominations.ask_practice(turn, saved.id, saved.extra)
    return [_sent_to(turn, approver, verdict), *practice]


def _sent_to(turn: Turn, approver: str, verdict: Verdict) -> Card:
    name = person_name(turn.org, approver)
    return Card(
        title=f"Sent to {name} to check ✉️",
        text="It needs a supervisor's OK because " + "; ".join(verdict.reasons) + ". "
        f"I'll tell you as soon as {name.split()[0]} decides. Meanwhile, give the customer "
        "what our routine offer promises.",
        buttons=(Button("My actions", Menu.MINE),),
    )


async def _route(turn: Turn, requester: str, skip: tuple[str, ...] = ()) -> str | None:
    stored = await stored_availability(turn.uow)
    return route(turn.org, requester, turn.today, availability(turn.org, stored), skip=skip)


async def send_card(turn: Scene, request: RequestView, to: str, note: str = "") -> None:
    card = request_card(turn.org, request)
    if note:
        card = replace(card, text=f"{note}\n\n{card.text}")
    await turn.notify.person(to, card, request.card_key, "card", to, request.status, note[:20])


async def _update_everywhere(turn: Scene, request: RequestView, label: str) -> CardUpdate:
    """The card's new state, for everyone it was sent to (and for the clicker, inline)."""
    update = CardUpdate(request.card_key, request_card(turn.org, request))
    for person in request.card_sent_to:
        await turn.notify.person(person, update, request.card_key, label, person)
    return update


# --- the supervisor's card ------------------------------------------------------------------


def request_card(org: Organisation, request: RequestView) -> Card:
    """The supervisor's card. What the bot computed (cost and time, the four answers) comes
    first, so nothing typed above it can pose as it; every typed value is plain text, which
    the platform renderers show without formatting (adapters/slack/render.py, cards.py)."""
    authority = org.policy.staff_authority
    tz = ZoneInfo(org.organisation.timezone)
    item = org.offer_item(request.offer_item_id)
    offer = item.title if item else "Not covered by our routine offer"
    check = request.check
    fields = [
        CardField(
            "Cost and time",
            f"{money(check.cost, authority.currency)} · {check.minutes} minutes (staff may: "
            f"{money(authority.max_cost, authority.currency)} · {authority.max_minutes} min)",
        ),
        CardField("Within their authority?", check.within_authority.label),
        CardField("Within our guidelines?", check.within_guidelines.label),
        CardField("Within the regulations?", check.within_regulations.label),
        CardField("Affects other customers?", check.affects_others.label),
        CardField("Asked", _when(request.created_at, tz)),
        CardField("Customer's need", request.customer_need),
        CardField("Routine offer", offer),
        CardField("Proposed extra", request.extra),
        CardField("Why (in their words)", request.explanation or "-"),
    ]
    if request.question:
        fields.append(CardField(f"{person_name(org, request.approver_id)} asked", request.question))
        fields.append(CardField("Answer", request.answer or "waiting for the answer…"))
    status, buttons = _state(org, request, tz)
    return Card(
        title=f"Feasibility request from {person_name(org, request.requester_id)}",
        text=status,
        fields=tuple(fields),
        buttons=buttons,
        card_key=request.card_key,
    )


def _state(org: Organisation, request: RequestView, tz: ZoneInfo) -> tuple[str, tuple[Button, ...]]:
    value = str(request.id)
    if request.status == RequestStatus.PENDING:
        return "Waiting for a decision.", (
            Button("Approve", RequestButton.APPROVE, value, ButtonStyle.PRIMARY),
            Button("Decline", RequestButton.DECLINE, value, ButtonStyle.DANGER),
            Button("Ask for more info", RequestButton.ASK, value),
        )
    if request.status == RequestStatus.INFO_REQUESTED:
        return f"Waiting for {person_name(org, request.requester_id)}'s answer.", ()
    who = person_name(org, request.decided_by or "")
    when = _when(request.decided_at, tz) if request.decided_at else ""
    mark = "✅ Approved" if request.status == RequestStatus.APPROVED else "❌ Declined"
    why = f": {one_line(request.reason, MAX_NOTE)}" if request.reason else ""  # typed: one line
    return f"{mark} by {who}, {when}{why}", ()


def _when(moment: datetime, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).strftime("%a %d %b, %H:%M")


# --- clicks and forms ---------------------------------------------------------------------------


async def _find(turn: Turn, request_id: str) -> RequestView | None:
    """The request a button or form names, if the id is one."""
    number = parse_id(request_id)
    return await get_request(turn.uow, number) if number is not None else None


GONE = "I can't find that request any more."


def _refused(turn: Turn, request: RequestView) -> Refusal | None:
    """Why this person may not decide this request (None if they may): asked first, on a
    first click and on a repeated one alike, so a refused person never sees its card."""
    why = refusal(turn.org, turn.person, request.requester_id, request.approver_id)
    return Refusal(why) if why else None


async def _open(turn: Turn, request_id: str) -> RequestView | list[Outbound]:
    """The request, if this person may act on it now; otherwise what to tell them."""
    request = await _find(turn, request_id)
    if request is None:
        return [Refusal(GONE)]
    if refused := _refused(turn, request):
        return [refused]
    if not request.is_open or request.status != RequestStatus.PENDING:
        return _already(turn, request)
    return request


def _already(turn: Turn, request: RequestView) -> list[Outbound]:
    card = CardUpdate(request.card_key, request_card(turn.org, request))
    if request.status == RequestStatus.INFO_REQUESTED:
        return [card, Text("More information was asked for; the answer isn't in yet.")]
    tz = ZoneInfo(turn.org.organisation.timezone)
    who = person_name(turn.org, request.decided_by or "")
    when = _when(request.decided_at, tz) if request.decided_at else ""
    return [card, Text(f"{who} already {request.status} this request ({when}).")]


async def approve(turn: Turn, request_id: str) -> list[Outbound]:
    found = await _open(turn, request_id)
    if not isinstance(found, RequestView):
        return found
    return await _decide(turn, found, RequestStatus.APPROVED, None)


async def start_decline(turn: Turn, request_id: str) -> list[Outbound]:
    return await _ask_for_note(
        turn,
        request_id,
        DECLINE_FORM,
        "Decline the request",
        "reason",
        "Why? {requester} will see this",
        "Decline",
    )


async def start_ask(turn: Turn, request_id: str) -> list[Outbound]:
    return await _ask_for_note(
        turn,
        request_id,
        ASK_FORM,
        "Ask for more info",
        "question",
        "Your question for {requester}",
        "Ask",
    )


async def _ask_for_note(
    turn: Turn, request_id: str, form: str, title: str, name: str, label: str, submit: str
) -> list[Outbound]:
    """Decline and Ask both need a few words from the supervisor first."""
    found = await _open(turn, request_id)
    if not isinstance(found, RequestView):
        return found
    requester = person_name(turn.org, found.requester_id).split()[0]
    return [
        _note_form(
            form_about(form, found.id), title, name, label.format(requester=requester), submit, {}
        )
    ]


def _note_form(
    form_id: str,
    title: str,
    name: str,
    label: str,
    submit: str,
    errors: dict[str, str],
    value: str = "",
) -> Form:
    return Form(
        form_id=form_id,
        title=title,
        submit_label=submit,
        errors=errors,
        fields=(FormField(name, label, FieldKind.LONG_TEXT, value=value, max_length=MAX_NOTE),),
    )


def _note(values: dict[str, str], name: str) -> tuple[str, str | None]:
    text = clean(values.get(name, ""))
    if not text:
        return text, "A few words, please."
    if len(text) > MAX_NOTE:
        return text, f"That's {len(text):,} characters; please keep it under {MAX_NOTE}."
    return text, None


async def submit_form(turn: Turn, form: FormId, values: dict[str, str]) -> list[Outbound]:
    kind, request_id, form_id = form.name, form.param, str(form)
    if kind == ANSWER_FORM:
        return await _answer(turn, request_id, values)
    found = await _open(turn, request_id)
    if not isinstance(found, RequestView):
        return found
    if kind == DECLINE_FORM:
        reason, problem = _note(values, "reason")
        if problem:
            return [
                _note_form(
                    form_id,
                    "Decline the request",
                    "reason",
                    "Why?",
                    "Decline",
                    {"reason": problem},
                    reason,
                )
            ]
        return await _decide(turn, found, RequestStatus.DECLINED, reason)
    question, problem = _note(values, "question")
    if problem:
        return [
            _note_form(
                form_id,
                "Ask for more info",
                "question",
                "Your question",
                "Ask",
                {"question": problem},
                question,
            )
        ]
    return await _ask(turn, found, question)


async def _decide(
    turn: Turn,
    request: RequestView,
    status: Literal[RequestStatus.APPROVED, RequestStatus.DECLINED],
    reason: str | None,
) -> list[Outbound]:
    if not await decide(
        turn.uow, request.id, status=status, by=turn.person.id, reason=reason, now=turn.now
    ):
        latest = await get_request(turn.uow, request.id)
        assert latest is not None
        return _already(turn, latest)
    decided = await get_request(turn.uow, request.id)
    assert decided is not None
    await audit(
        turn.uow,
        actor_id=turn.person.id,
        action=f"request.{status}",
        subject_type="request",
        subject_id=str(request.id),
        detail={"reason": reason} if reason else {},
    )
    await turn.notify.person(
        request.requester_id, _decision_for_requester(turn, decided), request.card_key, "told"
    )
    update = await _update_everywhere(turn, decided, status)
    requester = person_name(turn.org, request.requester_id).split()[0]
    return [update, Text(f"{status.capitalize()}. I've told {requester}.")]


def _decision_for_requester(turn: Turn, request: RequestView) -> Card:
    who = person_name(turn.org, turn.person.id)
    idea = shorten(request.extra, 200)
    if request.status == RequestStatus.APPROVED:
        return Card(
            title=f"{who} approved your idea ✅",
            text=f"Go ahead: {idea}\nMake sure the customer knows it's something extra. "
            f"I'll ask how it went in {turn.org.policy.follow_up_days} days.",
            buttons=(Button("My actions", Menu.MINE),),
        )
    return Card(
        title=f"{who} declined your idea",
        text=f"“{request.reason}”\nFor this customer, give what our routine offer promises, "
        "and look for an extra within your own authority. Thank you for thinking of it.",
        buttons=(Button("Log another idea", Menu.LOG),),
    )


async def _ask(turn: Turn, request: RequestView, question: str) -> list[Outbound]:
    if not await ask_more(turn.uow, request.id, by=turn.person.id, question=question):
        latest = await get_request(turn.uow, request.id)
        assert latest is not None
        return _already(turn, latest)
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
    update = await _update_everywhere(turn, asked, f"asked:{turn.now.timestamp()}")
    requester = person_name(turn.org, request.requester_id).split()[0]
    return [update, Text(f"Asked. I'll show you {requester}'s answer on the card.")]


def answer_form(request_id: str, errors: dict[str, str] | None = None, value: str = "") -> Form:
    return _note_form(
        form_about(ANSWER_FORM, request_id),
        "Answer the question",
        "answer",
        "Your answer",
        "Send",
        errors or {},
        value,
    )


NOT_YOUR_QUESTION = "That question isn't yours to answer."
ANSWERED = "That question has been answered already, or the request decided."


async def open_answer_form(turn: Turn, request_id: str) -> list[Outbound]:
    request = await _find(turn, request_id)
    if request is None or request.requester_id != turn.person.id:
        return [Refusal(NOT_YOUR_QUESTION)]
    if request.status != RequestStatus.INFO_REQUESTED:
        return [Refusal(ANSWERED)]
    return [answer_form(request_id)]


async def _answer(turn: Turn, request_id: str, values: dict[str, str]) -> list[Outbound]:
    request = await _find(turn, request_id)
    if request is None or request.requester_id != turn.person.id:
        return [Refusal(NOT_YOUR_QUESTION)]
    text, problem = _note(values, "answer")
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
    await _update_everywhere(turn, answered, f"answered:{turn.now.timestamp()}")
    # A fresh copy too, so the approver notices (an edited old message is easy to miss).
    await send_card(
        turn,
        answered,
        answered.approver_id,
        f"{person_name(turn.org, turn.person.id)} answered your question.",
    )
    return [Text(f"Sent your answer to {person_name(turn.org, answered.approver_id)}.")]


# --- requests left waiting (the approval-reminders job) ---------------------------------------


@dataclass
class Chased:
    reminded: list[int] = field(default_factory=list)
    escalated: list[int] = field(default_factory=list)


async def chase_waiting(scene: Scene) -> Chased:
    """Requests still waiting for a decision: after `approval_escalation_hours` one goes to
    the next approver up, once; after `approval_reminder_hours` its approver is reminded,
    once. Safe to run as often as you like."""
    chased = Chased()
    policy = scene.org.policy
    available = availability(scene.org, await stored_availability(scene.uow))
    for request in await open_requests(scene.uow):
        if request.status != RequestStatus.PENDING:
            continue  # waiting on the requester's answer, not on the approver
        waited = scene.now - request.created_at
        if request.escalated_at is None and waited >= timedelta(
            hours=policy.approval_escalation_hours
        ):
            target = route(
                scene.org, request.requester_id, scene.today, available, skip=request.card_sent_to
            )
            if target is not None:
                await _escalate(scene, request, target, waited)
                chased.escalated.append(request.id)
                continue
        if request.reminded_at is None and waited >= timedelta(
            hours=policy.approval_reminder_hours
        ):
            await _remind(scene, request, waited)
            chased.reminded.append(request.id)
    return chased


async def _escalate(scene: Scene, request: RequestView, target: str, waited: timedelta) -> None:
    await reassign(scene.uow, request.id, to=target, escalated_at=scene.now)
    moved = await get_request(scene.uow, request.id)
    assert moved is not None
    name = person_name(scene.org, request.requester_id)
    hours = int(waited.total_seconds() // 3600)
    previous = person_name(scene.org, request.approver_id)
    await send_card(
        scene,
        moved,
        target,
        f"Escalated to you: {name}'s request waited {hours} hours for {previous}.",
    )
    await scene.notify.person(
        request.approver_id,
        Text(
            f"{name}'s request ({shorten(request.extra, 80)}) waited {hours} hours, "
            f"so it has gone to {person_name(scene.org, target)}."
        ),
        request.card_key,
        "escalated-note",
    )
    await scene.notify.person(
        request.requester_id,
        Text(
            f"Your idea is now with {person_name(scene.org, target)}, "
            f"as {previous} hasn't decided yet."
        ),
        request.card_key,
        "escalated-requester",
    )


async def _remind(scene: Scene, request: RequestView, waited: timedelta) -> None:
    name = person_name(scene.org, request.requester_id)
    hours = int(waited.total_seconds() // 3600)
    await scene.notify.person(
        request.approver_id,
        Text(
            f"Reminder: {name}'s idea has waited {hours} hours for your decision: "
            f"{shorten(request.extra, 120)}. Type `waiting` to see it."
        ),
        request.card_key,
        "reminder",
    )
    await mark_reminded(scene.uow, request.id, scene.now)


# --- what waits on me ---------------------------------------------------------------------------


async def show_waiting(turn: Turn) -> list[Outbound]:
    waiting = await open_requests(turn.uow, turn.person.id)
    if not waiting:
        return [Text("Nothing is waiting on you. 🎉")]
    lines = [
        f"• {person_name(turn.org, r.requester_id)}: {shorten(r.extra, 60)} "
        f"(waiting {age(turn.now, r.created_at)})"
        for r in waiting
    ]
    cards: list[Outbound] = [request_card(turn.org, r) for r in waiting[:5]]
    more = f"\n…and {len(waiting) - 5} more." if len(waiting) > 5 else ""
    return [
        Text(f"Waiting on you, oldest first ({len(waiting)}):\n" + "\n".join(lines) + more),
        *cards,
    ]


def age(now: datetime, then: datetime) -> str:
    hours = int((now - then).total_seconds() // 3600)
    if hours < 1:
        return "under an hour"
    if hours < 48:
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{hours // 24} days"


async def current_card(turn: Turn, request_id: str) -> list[Outbound]:
    """A re-sent click: show the card as it is now, change nothing; checked like the
    first click, so someone refused then is refused again, and sees no card."""
    request = await _find(turn, request_id)
    if request is None:
        return [Refusal(GONE)]
    if refused := _refused(turn, request):
        return [refused]
    return [CardUpdate(request.card_key, request_card(turn.org, request))]


# --- routes -------------------------------------------------------------------------------------


def register(routes: RouteTable) -> None:
    # A re-sent click gets the card as it is now: Teams shows "Unable to reach app" to a
    # click that gets no card back.
    routes.click(RequestButton.APPROVE, approve, replay=current_card)
    routes.click(RequestButton.DECLINE, start_decline, replay=current_card)
    routes.click(RequestButton.ASK, start_ask, replay=current_card)
    routes.click(Menu.WAITING, lambda turn, _: show_waiting(turn))
    routes.form(DECLINE_FORM, submit_form, with_param=True)
    routes.form(ASK_FORM, submit_form, with_param=True)
    routes.form(
        ANSWER_FORM,
        submit_form,
        opens=lambda turn, form: open_answer_form(turn, form.param),
        with_param=True,
    )
    routes.command("waiting", handler=lambda turn, _: show_waiting(turn))
