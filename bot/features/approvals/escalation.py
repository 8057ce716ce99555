"""Requests left waiting for a decision (run by the approval-reminders job): the approver
is reminded once, and after longer the request goes to the next approver up, once."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from bot.context import Scene
from bot.domain.actions import RequestStatus
from bot.domain.approvers import availability, route
from bot.domain.names import person_name
from bot.domain.records import RequestView
from bot.domain.text import shorten
from bot.features.approvals.card import send_card
from bot.messages import Text
from storage.requests import (
    get_request,
    mark_reminded,
    open_requests,
    reassign,
    stored_availability,
)


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
