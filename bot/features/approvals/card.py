"""The supervisor's card for a feasibility request: what it shows, and sending it (and its
new state) to everyone it was sent to."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from bot.context import Scene
from bot.domain.actions import UNSAID_OFFER, RequestStatus
from bot.domain.feasibility import money
from bot.domain.names import person_name
from bot.domain.org import Organisation
from bot.domain.records import RequestView
from bot.domain.text import one_line
from bot.messages import Button, ButtonStyle, Card, CardField, CardUpdate
from bot.routes import ActionId

MAX_NOTE = 500


class RequestButton(ActionId):
    """An approver's buttons on a request card; the value is the request's id."""

    APPROVE = "request.approve"
    APPROVE_WITH_COMMENT = "request.approve-comment"
    DECLINE = "request.decline"
    ASK = "request.ask"
    MORE = "request.more"


def request_card(
    org: Organisation,
    request: RequestView,
    *,
    full: bool = False,
    for_day: date | None = None,
    today: date | None = None,
) -> Card:
    """The supervisor's card. Its first line is what a phone's notification shows: who asks
    to spend what, and for when. What the bot computed (cost and time, the four answers)
    comes first, so nothing typed above it can pose as it; every typed value is plain text,
    which the platform renderers show without formatting (adapters/slack/render.py,
    cards.py). Six fields before the buttons; the rest when More is clicked (`full`)."""
    tz = ZoneInfo(org.organisation.timezone)
    first, rest = _fields(org, request, tz)
    status, buttons = _state(org, request, tz)
    if full:
        first, buttons = (
            first + rest,
            tuple(b for b in buttons if b.action_id != RequestButton.MORE),
        )
    return Card(
        title=first_line(org, request, for_day or request.occurred_on, today),
        text=status,
        fields=tuple(first),
        buttons=buttons,
        card_key=request.card_key,
    )


def first_line(
    org: Organisation, request: RequestView, for_day: date | None, today: date | None
) -> str:
    """ "Asha asks to spend £45 and 60 min, for this evening"."""
    name = person_name(org, request.requester_id).split()[0]
    spend = _whole(request.check.cost, org.policy.staff_authority.currency)
    line = f"{name} asks to spend {spend} and {request.check.minutes} min"
    return f"{line}, for {_day(for_day, today)}" if for_day else line


def _whole(cost: Decimal, currency: str) -> str:
    """£45, not £45.00; £4.50 stays."""
    text = money(cost, currency)
    return text.replace(".00", "") if cost == cost.to_integral_value() else text


def _day(day: date, today: date | None) -> str:
    if today is not None and day == today:
        return "today"
    if today is not None and day == today + timedelta(days=1):
        return "tomorrow"
    return day.strftime("%a %d %b")


def _fields(
    org: Organisation, request: RequestView, tz: ZoneInfo
) -> tuple[list[CardField], list[CardField]]:
    """The six before the buttons, and the rest."""
    authority = org.policy.staff_authority
    item = org.offer_item(request.offer_item_id)
    offer = item.title if item else "Not covered by our routine offer"
    said = request.offer_item_id != UNSAID_OFFER  # an idea's form does not ask it
    check = request.check
    computed = [
        CardField(
            "Cost and time",
            f"{money(check.cost, authority.currency)} · {check.minutes} minutes (staff may: "
            f"{money(authority.max_cost, authority.currency)} · {authority.max_minutes} min)",
        ),
        CardField("Within their authority?", check.within_authority.label),
        CardField("Within our guidelines?", check.within_guidelines.label),
        CardField("Within the regulations?", check.within_regulations.label),
        CardField("Affects other customers?", check.affects_others.label),
    ]
    extra = CardField("Proposed extra", request.extra)
    rest = [
        CardField("Asked", when(request.created_at, tz)),
        CardField("Customer's need", request.customer_need),
        *([CardField("Routine offer", offer)] if said else []),
        CardField("Why (in their words)", request.explanation or "-"),
    ]
    if not request.question:
        return [*computed, extra], rest
    answer = request.answer or "waiting for the answer…"
    asked = CardField(
        f"{person_name(org, request.approver_id)} asked", f"{request.question}\nAnswer: {answer}"
    )
    return [*computed, asked], [extra, *rest]


def _state(org: Organisation, request: RequestView, tz: ZoneInfo) -> tuple[str, tuple[Button, ...]]:
    value = str(request.id)
    if request.status == RequestStatus.PENDING:
        return "Waiting for a decision.", (
            Button("Approve", RequestButton.APPROVE, value, ButtonStyle.PRIMARY),
            Button("Approve with a comment", RequestButton.APPROVE_WITH_COMMENT, value),
            Button("Decline", RequestButton.DECLINE, value, ButtonStyle.DANGER),
            Button("Ask for more info", RequestButton.ASK, value),
            Button("More", RequestButton.MORE, value),
        )
    if request.status == RequestStatus.INFO_REQUESTED:
        return f"Waiting for {person_name(org, request.requester_id)}'s answer.", ()
    who = person_name(org, request.decided_by or "")
    at = when(request.decided_at, tz) if request.decided_at else ""
    mark = "✅ Approved" if request.status == RequestStatus.APPROVED else "❌ Declined"
    why = f": {one_line(request.reason, MAX_NOTE)}" if request.reason else ""  # typed: one line
    return f"{mark} by {who}, {at}{why}", ()


def when(moment: datetime, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).strftime("%a %d %b, %H:%M")


async def send_card(
    turn: Scene, request: RequestView, to: str, note: str = "", for_day: date | None = None
) -> None:
    card = request_card(turn.org, request, for_day=for_day, today=turn.today)
    if note:
        card = replace(card, text=f"{note}\n\n{card.text}")
    await turn.notify.person(to, card, request.card_key, "card", to, request.status, note[:20])


async def update_everywhere(
    turn: Scene, request: RequestView, label: str, note: str = ""
) -> CardUpdate:
    """The card's new state, for everyone it was sent to (and for the clicker, inline)."""
    card = request_card(turn.org, request, today=turn.today)
    if note:
        card = replace(card, text=f"{note}\n\n{card.text}")
    update = CardUpdate(request.card_key, card)
    for person in request.card_sent_to:
        await turn.notify.person(person, update, request.card_key, label, person)
    return update
