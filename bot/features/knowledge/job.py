"""`knowledge-question` (weekly, organisation file `schedule.knowledge_question`): each
learner's next knowledge question, one a week; nobody else is asked."""

from __future__ import annotations

from datetime import datetime

from bot.context import Scene
from bot.delivery.fan_out import FanOutReport, fan_out
from bot.domain.approvers import availability
from bot.domain.org import Person
from bot.features.knowledge.questions import next_question, question_card
from bot.messages import Outbound
from storage.requests import stored_availability

JOB = "knowledge-question"


async def run(scene: Scene) -> FanOutReport:
    away = availability(scene.org, await stored_availability(scene.uow))
    report = FanOutReport()

    async def build(scene: Scene, person: Person, occurrence: datetime) -> Outbound | None:
        if person.id in away and away[person.id].away_on(occurrence.date()):
            report.skip("away")
            return None
        criterion = await next_question(scene, person.id)
        if criterion is None:
            report.skip("all answered")
            return None
        return question_card(person.id, criterion, first_name=person.first_name)

    learners = [p for p in scene.org.people if p.learner]
    return await fan_out(
        scene,
        job=JOB,
        schedule=scene.org.schedule.knowledge_question,
        recipients=learners,
        build=build,
        report=report,
    )
