"""`approval-reminders`: move requests off anyone who is away, then nudge and escalate
those left waiting (bot.features.approvals.escalation.chase_waiting). Safe to run as often
as you like: each step happens once."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.context import Scene
from bot.features.approvals.escalation import chase_waiting
from bot.features.away.flow import move_requests_of
from storage.requests import open_requests


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
    moved = 0
    for approver in {r.approver_id for r in await open_requests(scene.uow)}:
        moved += await move_requests_of(scene, approver)
    chased = await chase_waiting(scene)
    return ReminderReport(chased.reminded, chased.escalated, moved)
