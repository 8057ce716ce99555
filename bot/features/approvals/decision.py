"""An approver decides: Approve in one click, Decline with a reason. A decision is a
conditional update (first writer wins, the second is told who decided); the requester is
told, and the card changes everywhere it was sent."""

from __future__ import annotations

from typing import Literal

from bot.context import Turn
from bot.domain.actions import RequestStatus
from bot.domain.names import person_name
from bot.domain.records import RequestView
from bot.domain.text import shorten
from bot.features.approvals.access import already, open_request
from bot.features.approvals.card import update_everywhere
from bot.features.approvals.notes import COMMENT, REASON, ask_for_note, submitted_note
from bot.features.general.flow import Menu
from bot.messages import Button, Card, Outbound, Text
from bot.routes import FormId
from storage.events import audit
from storage.requests import decide, get_request


async def approve(turn: Turn, request_id: str) -> list[Outbound]:
    found = await open_request(turn, request_id)
    if not isinstance(found, RequestView):
        return found
    return await _decide(turn, found, RequestStatus.APPROVED, None)


async def start_approve_with_comment(turn: Turn, request_id: str) -> list[Outbound]:
    return await ask_for_note(turn, request_id, COMMENT)


async def submit_approve(turn: Turn, form: FormId, values: dict[str, str]) -> list[Outbound]:
    """Approve, with the comment if one was typed (an empty one approves plainly)."""
    submitted = await submitted_note(turn, form, values, COMMENT)
    if isinstance(submitted, list):
        return submitted
    request, comment = submitted
    return await _decide(turn, request, RequestStatus.APPROVED, comment or None)


async def start_decline(turn: Turn, request_id: str) -> list[Outbound]:
    return await ask_for_note(turn, request_id, REASON)


async def submit_decline(turn: Turn, form: FormId, values: dict[str, str]) -> list[Outbound]:
    submitted = await submitted_note(turn, form, values, REASON)
    if isinstance(submitted, list):
        return submitted
    request, reason = submitted
    return await _decide(turn, request, RequestStatus.DECLINED, reason)


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
        return already(turn, latest)
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
    update = await update_everywhere(turn, decided, status)
    requester = person_name(turn.org, request.requester_id).split()[0]
    return [update, Text(f"{status.capitalize()}. I've told {requester}.")]


def _decision_for_requester(turn: Turn, request: RequestView) -> Card:
    who = person_name(turn.org, turn.person.id)
    idea = shorten(request.extra, 200)
    if request.status == RequestStatus.APPROVED:
        said = f"\n{who.split()[0]} said: “{request.reason}”" if request.reason else ""
        return Card(
            title=f"{who} approved your idea ✅",
            text=f"Go ahead: {idea}{said}\nMake sure the customer knows it's something extra. "
            f"I'll ask how it went in {turn.org.policy.follow_up_days} days.",
            buttons=(Button("My actions", Menu.MINE),),
        )
    return Card(
        title=f"{who} declined your idea",
        text=f"“{request.reason}”\nFor this customer, give what our routine offer promises, "
        "and look for an extra within your own authority. Thank you for thinking of it.",
        buttons=(Button("Propose another idea", Menu.IDEA),),
    )
