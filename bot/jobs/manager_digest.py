"""`manager-digest` (K6, K8): each manager's week, with the eight-week trend chart."""

from __future__ import annotations

from datetime import datetime

from bot.digest import build_digest, digest_card
from bot.flows.turn import Scene
from bot.jobs.fan_out import FanOutReport, fan_out
from bot.messages import Outbound
from bot.org import Person, Role

JOB = "manager-digest"


async def run(scene: Scene) -> FanOutReport:
    managers = [p for p in scene.org.people if p.role is Role.MANAGER]
    return await fan_out(
        scene, job=JOB, schedule=scene.org.schedule.manager_digest, recipients=managers, build=_card
    )


async def _card(scene: Scene, manager: Person, occurrence: datetime) -> Outbound | None:
    return digest_card(manager, await build_digest(scene, manager, occurrence), occurrence)
