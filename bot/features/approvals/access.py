"""The request a click or form names, and whether this person may act on it now; if not,
what to tell them (it's gone, it isn't theirs, or someone already decided)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.context import Turn
from bot.domain.actions import RequestStatus
from bot.domain.approvers import refusal
from bot.domain.ids import parse_id
from bot.domain.names import person_name
from bot.domain.records import RequestView
from bot.features.approvals.card import request_card, when
from bot.messages import CardUpdate, Outbound, Refusal, Text
from storage.requests import get_request

GONE = "I can't find that request any more."


async def find_request(turn: Turn, request_id: str) -> RequestView | None:
    """The request a button or form names, if the id is one."""
    number = parse_id(request_id)
    return await get_request(turn.uow, number) if number is not None else None


def refused(turn: Turn, request: RequestView) -> Refusal | None:
    """Why this person may not decide this request (None if they may): asked first, on a
    first click and on a repeated one alike, so a refused person never sees its card."""
    why = refusal(turn.org, turn.person, request.requester_id, request.approver_id)
    return Refusal(why) if why else None


async def open_request(turn: Turn, request_id: str) -> RequestView | list[Outbound]:
    """The request, if this person may act on it now; otherwise what to tell them."""
    request = await find_request(turn, request_id)
    if request is None:
        return [Refusal(GONE)]
    if no := refused(turn, request):
        return [no]
    if not request.is_open or request.status != RequestStatus.PENDING:
        return already(turn, request)
    return request


def already(turn: Turn, request: RequestView) -> list[Outbound]:
    """The card as it is, and why nothing more can be done with it now."""
    card = CardUpdate(request.card_key, request_card(turn.org, request, today=turn.today))
    if request.status == RequestStatus.INFO_REQUESTED:
        return [card, Text("More information was asked for; the answer isn't in yet.")]
    tz = ZoneInfo(turn.org.organisation.timezone)
    who = person_name(turn.org, request.decided_by or "")
    at = when(request.decided_at, tz) if request.decided_at else ""
    return [card, Text(f"{who} already {request.status} this request ({at}).")]


async def current_card(turn: Turn, request_id: str) -> list[Outbound]:
    """A re-sent click: show the card as it is now, change nothing; checked like the
    first click, so someone refused then is refused again, and sees no card."""
    request = await find_request(turn, request_id)
    if request is None:
        return [Refusal(GONE)]
    if no := refused(turn, request):
        return [no]
    return [CardUpdate(request.card_key, request_card(turn.org, request, today=turn.today))]


async def show_more(turn: Turn, request_id: str) -> list[Outbound]:
    """More: the same card in place, with every field; changes nothing. Checked like a
    decision, so only someone who may decide sees the rest."""
    request = await find_request(turn, request_id)
    if request is None:
        return [Refusal(GONE)]
    if no := refused(turn, request):
        return [no]
    return [
        CardUpdate(request.card_key, request_card(turn.org, request, full=True, today=turn.today))
    ]
