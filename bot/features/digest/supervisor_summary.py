"""`supervisor-summary` (K8): what waits on each supervisor, the team's unanswered
follow-ups, and the praise the team received this week."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.context import Scene
from bot.delivery.fan_out import FanOutReport, fan_out
from bot.domain.hierarchy import below
from bot.domain.names import person_name
from bot.domain.org import Person, Role
from bot.domain.text import shorten
from bot.features.approvals.waiting import age
from bot.features.general.flow import Menu
from bot.messages import Button, Card, CardField, Outbound
from storage.activity import praise_between, team_of, unanswered_follow_ups
from storage.requests import open_requests

JOB = "supervisor-summary"


async def run(scene: Scene) -> FanOutReport:
    recipients = [p for p in scene.org.people if p.role in (Role.SUPERVISOR, Role.MANAGER)]
    return await fan_out(
        scene,
        job=JOB,
        schedule=scene.org.schedule.supervisor_summary,
        recipients=recipients,
        build=summary_card,
    )


async def summary_card(scene: Scene, person: Person, occurrence: datetime) -> Outbound | None:
    team = [p.id for p in below(scene.org, person.id)]
    waiting = await open_requests(scene.uow, person.id)
    follow_ups = await unanswered_follow_ups(scene.uow, team)
    since = occurrence - timedelta(days=7)
    praise = await praise_between(scene.uow, await team_of(scene.uow, team), since, occurrence)
    fields = [
        CardField(
            f"Waiting on you ({len(waiting)})",
            "\n".join(
                f"{person_name(scene.org, r.requester_id)}: {shorten(r.extra, 60)} "
                f"(waiting {age(scene.now, r.created_at)})"
                for r in waiting[:8]
            )
            or "Nothing",
        ),
        CardField(
            f"Follow-ups not answered in your team ({len(follow_ups)})",
            "\n".join(
                f"{person_name(scene.org, a.person_id)}: {shorten(a.extra, 60)}"
                for a in follow_ups[:8]
            )
            or "None",
        ),
        CardField(
            f"Praise for your team this week ({len(praise)})",
            "\n".join(
                f"{person_name(scene.org, p.person_id)}: “{shorten(p.words or '', 80)}”"
                for p in praise[:3]
            )
            or "None yet",
        ),
    ]
    return Card(
        title=f"Your summary for {occurrence:%A %d %B}, {person.first_name}",
        fields=tuple(fields),
        buttons=(Button("See what's waiting", Menu.WAITING),) if waiting else (),
    )
