"""The supervisor's card for a feasibility request: what it shows, and sending it (and its
new state) to everyone it was sent to."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.context import Scene
from bot.domain.actions import RequestStatus
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
    DECLINE = "request.decline"
    ASK = "request.ask"


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
        CardField("Asked", when(request.created_at, tz)),
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
    at = when(request.decided_at, tz) if request.decided_at else ""
    mark = "✅ Approved" if request.status == RequestStatus.APPROVED else "❌ Declined"
    why = f": {one_line(request.reason, MAX_NOTE)}" if request.reason else ""  # typed: one line
    return f"{mark} by {who}, {at}{why}", ()


def when(moment: datetime, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).strftime("%a %d %b, %H:%M")


async def send_card(turn: Scene, request: RequestView, to: str, note: str = "") -> None:
    card = request_card(turn.org, request)
    if note:
        card = replace(card, text=f"{note}\n\n{card.text}")
    await turn.notify.person(to, card, request.card_key, "card", to, request.status, note[:20])


async def update_everywhere(turn: Scene, request: RequestView, label: str) -> CardUpdate:
    """The card's new state, for everyone it was sent to (and for the clicker, inline)."""
    update = CardUpdate(request.card_key, request_card(turn.org, request))
    for person in request.card_sent_to:
        await turn.notify.person(person, update, request.card_key, label, person)
    return update
