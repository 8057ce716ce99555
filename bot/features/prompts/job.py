"""`weekly-prompt` (K8): "did you go the extra mile this week?" to every staff member,
except who logged lately, paused, is away, or on a public holiday."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.context import Scene
from bot.delivery.fan_out import FanOutReport, fan_out
from bot.domain.approvers import availability
from bot.domain.org import Person, Role
from bot.domain.schedules import is_public_holiday
from bot.features.prompts.flow import prompt_card
from bot.messages import Outbound
from storage.activity import last_logged, paused_until
from storage.requests import stored_availability

JOB = "weekly-prompt"
RECENT = timedelta(days=2)


async def run(scene: Scene) -> FanOutReport:
    logged = await last_logged(scene.uow)
    paused = await paused_until(scene.uow)
    away = availability(scene.org, await stored_availability(scene.uow))
    report = FanOutReport()

    async def build(scene: Scene, person: Person, occurrence: datetime) -> Outbound | None:
        local_day = occurrence.date()
        if is_public_holiday(scene.org, local_day):
            report.skip("public holiday")
            return None
        if paused.get(person.id) and paused[person.id] >= local_day:
            report.skip("paused")
            return None
        if person.id in away and away[person.id].away_on(local_day):
            report.skip("away")
            return None
        if person.id in logged and scene.now - logged[person.id] < RECENT:
            report.skip("logged lately")
            return None
        return prompt_card(person, occurrence)

    staff = [p for p in scene.org.people if p.role is Role.STAFF]
    return await fan_out(
        scene,
        job=JOB,
        schedule=scene.org.schedule.weekly_prompt,
        recipients=staff,
        build=build,
        report=report,
    )
