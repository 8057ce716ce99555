"""`approval-reminders`: nudge, then escalate, requests left waiting; move them off
anyone who is away. Safe to run as often as you like: each step happens once."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from bot.approvers import availability, route
from bot.flows import approvals
from bot.flows.away import move_requests_of
from bot.flows.turn import Scene
from bot.messages import Text
from bot.names import person_name
from bot.text import shorten
from storage.requests import (
    get_request,
    mark_reminded,
    open_requests,
    reassign,
    stored_availability,
)


@dataclass
class ReminderReport:
    reminded: list[int] = field(default_factory=list)
    escalated: list[int] = field(default_factory=list)
    moved: int = 0

    def __str__(self) -> str:
        return (
            f"reminded {len(self.reminded)}, escalated {len(self.escalated)}, "
            f"moved from people away {self.moved}"
        )


async def run(scene: Scene) -> ReminderReport:
    report = ReminderReport()
    policy = scene.org.policy
    for approver in {r.approver_id for r in await open_requests(scene.uow)}:
        report.moved += await move_requests_of(scene, approver)
    available = availability(scene.org, await stored_availability(scene.uow))
    for request in await open_requests(scene.uow):
        if request.status != "pending":
            continue  # waiting on the requester's answer, not on the approver
        waited = scene.now - request.created_at
        name = person_name(scene.org, request.requester_id)
        if request.escalated_at is None and waited >= timedelta(
            hours=policy.approval_escalation_hours
        ):
            target = route(
                scene.org, request.requester_id, scene.today, available, skip=request.card_sent_to
            )
            if target is not None:
                await reassign(scene.uow, request.id, to=target, escalated_at=scene.now)
                moved = await get_request(scene.uow, request.id)
                assert moved is not None
                hours = int(waited.total_seconds() // 3600)
                previous = person_name(scene.org, request.approver_id)
                await approvals.send_card(
                    scene,
                    moved,
                    target,
                    f"Escalated to you: {name}'s request waited {hours} hours for {previous}.",
                )
                await approvals.notify(
                    scene,
                    request.approver_id,
                    Text(
                        f"{name}'s request ({shorten(request.extra, 80)}) waited {hours} hours, "
                        f"so it has gone to {person_name(scene.org, target)}."
                    ),
                    f"{request.card_key}:escalated-note",
                )
                await approvals.notify(
                    scene,
                    request.requester_id,
                    Text(
                        f"Your idea is now with {person_name(scene.org, target)}, "
                        f"as {previous} hasn't decided yet."
                    ),
                    f"{request.card_key}:escalated-requester",
                )
                report.escalated.append(request.id)
                continue
        if request.reminded_at is None and waited >= timedelta(
            hours=policy.approval_reminder_hours
        ):
            hours = int(waited.total_seconds() // 3600)
            await approvals.notify(
                scene,
                request.approver_id,
                Text(
                    f"Reminder: {name}'s idea has waited {hours} hours for your decision: "
                    f"{shorten(request.extra, 120)}. Type `waiting` to see it."
                ),
                f"{request.card_key}:reminder",
            )
            await mark_reminded(scene.uow, request.id, scene.now)
            report.reminded.append(request.id)
    return report
