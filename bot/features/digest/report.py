"""The manager's weekly digest (K6, K8): the week in numbers and examples, for the
manager's part of the organisation."""

from __future__ import annotations

import base64
import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.context import Scene
from bot.domain.actions import CONTEXT_LABELS, Context, NominationStatus, RequestStatus
from bot.domain.names import person_name
from bot.domain.org import Organisation, Person
from bot.domain.records import ActionFact, Praise
from bot.domain.text import shorten
from bot.features.general.flow import Menu
from bot.messages import Button, Card, CardField
from bot.reports.attachments import draw
from bot.reports.chart import trend_line, trend_png
from storage.digest import Bosses, decisions, praise, stand_outs, weeks_of
from storage.nominations import nominations
from storage.privacy import erased_people

WEEKS = 8


@dataclass(frozen=True, slots=True)
class Digest:
    total: int
    by_context: dict[str, int]
    by_team: dict[str, int]
    approved: int
    declined: int
    median_hours_to_decide: float | None
    praise_count: int
    quotes: list[str]
    stand_outs: list[str]
    nominations: list[str]
    trend: list[int]
    week_labels: list[str]


async def build_digest(scene: Scene, manager: Person, end: datetime) -> Digest:
    """The figures: the week and its trend from the daily summary (storage.summary), the
    rest from short index reads; nothing reads a week of actions row by row."""
    bosses = await _bosses(scene, manager)
    start = end - timedelta(days=7)
    weeks = await weeks_of(scene.uow, bosses, end, WEEKS)
    decided = await decisions(scene.uow, bosses, start, end)
    praise_count, quotes = await praise(scene.uow, bosses, start, end)
    hours = [(d.decided_at - d.created_at).total_seconds() / 3600 for d in decided]
    return Digest(
        total=sum(weeks.last.values()),
        by_context=_by_context(weeks.last),
        by_team=_by_team(scene.org, weeks.last),
        approved=sum(1 for d in decided if d.status == RequestStatus.APPROVED),
        declined=sum(1 for d in decided if d.status == RequestStatus.DECLINED),
        median_hours_to_decide=statistics.median(hours) if hours else None,
        praise_count=praise_count,
        quotes=_quotes(scene.org, quotes),
        stand_outs=_stand_outs(scene.org, await stand_outs(scene.uow, bosses, start, end)),
        nominations=[n.title for n in await nominations(scene.uow, NominationStatus.OPEN)],
        trend=weeks.totals,
        week_labels=_week_labels(end),
    )


async def _bosses(scene: Scene, manager: Person) -> Bosses:
    """Whose actions the digest counts, by team: the teams of the manager and of every
    supervisor below them, and of those erased since (UK GDPR: their actions still count,
    under a pseudonym, in their old team; an erased supervisor's team goes on under
    theirs). Found by walking up from each team's head, not down through everyone."""
    erased = await erased_people(scene.uow)

    def under_manager(person_id: str) -> bool:
        seen: set[str] = set()
        current: str | None = person_id
        while current is not None and current not in seen:
            seen.add(current)
            person = scene.org.person(current)
            current = person.supervisor if person else erased.get(current)
            if current == manager.id:
                return True
        return False

    heads = {p.supervisor for p in scene.org.people if p.supervisor} | set(erased)
    return Bosses(frozenset({manager.id, *filter(under_manager, heads)}))


def _by_context(counts: dict[tuple[str | None, str], int]) -> dict[str, int]:
    by_context = {CONTEXT_LABELS[c]: 0 for c in Context}
    label_of = {c.value: CONTEXT_LABELS[c] for c in Context}
    for (_, context), count in counts.items():
        by_context[label_of[context]] += count
    return by_context


def _by_team(org: Organisation, counts: dict[tuple[str | None, str], int]) -> dict[str, int]:
    by_team: dict[str, int] = {}
    for (boss_id, _), count in counts.items():
        boss = org.person(boss_id) if boss_id else None
        name = f"{boss.first_name}'s team" if boss else "No team"
        by_team[name] = by_team.get(name, 0) + count
    return dict(sorted(by_team.items()))


def _quotes(org: Organisation, praise: list[Praise]) -> list[str]:
    return [
        f"“{shorten(p.words or '', 120)}” ({person_name(org, p.person_id)})" for p in praise[:3]
    ]


def _stand_outs(org: Organisation, stand_outs: list[ActionFact]) -> list[str]:
    return [f"{person_name(org, a.person_id)}: {shorten(a.extra, 100)}" for a in stand_outs]


def _week_labels(end: datetime) -> list[str]:
    """The last day of each of the WEEKS weeks to `end`, oldest first."""
    return [f"{end - timedelta(days=7 * w + 1):%d %b}" for w in reversed(range(WEEKS))]


def said_duration(hours: float) -> str:
    """A span of hours as a person says it: "within the hour", "in about 3 hours", "in 2 days"."""
    if hours < 1:
        return "within the hour"
    if hours < 1.5:
        return "in about an hour"
    if hours < 20:
        return f"in about {round(hours)} hours"
    if hours < 36:
        return "in about a day"
    return f"in {round(hours / 24)} days"


def digest_card(manager: Person, digest: Digest, end: datetime, chart: bytes = b"") -> Card:
    """The digest as a card; `chart`: its trend as a PNG (`digest_chart`), shown under it."""
    typically = "typically " if digest.approved + digest.declined > 1 else ""
    decide = (
        f"{typically}decided {said_duration(digest.median_hours_to_decide)}"
        if digest.median_hours_to_decide is not None
        else "none decided"
    )
    fields = [
        CardField("Extra-mile actions", str(digest.total)),
        CardField("By situation", " · ".join(f"{k}: {v}" for k, v in digest.by_context.items())),
        CardField("By team", " · ".join(f"{k}: {v}" for k, v in digest.by_team.items()) or "-"),
        CardField(
            "Ideas decided", f"{digest.approved} approved, {digest.declined} declined ({decide})"
        ),
        CardField(
            f"Positive feedback ({digest.praise_count})",
            "\n".join(digest.quotes) or "None this week",
        ),
        CardField("Stand-out actions", "\n".join(digest.stand_outs) or "-"),
        CardField(
            f"Nominations waiting for you ({len(digest.nominations)})",
            "\n".join(digest.nominations) or "None",
        ),
        CardField("Trend", trend_line(digest.trend)),
    ]
    return Card(
        title=f"Your week, {manager.first_name}: to {end:%A %d %B}",
        fields=tuple(fields),
        buttons=(Button("Service offer", Menu.OFFER),),
        image_png_b64=base64.b64encode(chart).decode(),
        image_alt=trend_line(digest.trend),
    )


async def digest_chart(digest: Digest) -> bytes:
    """The eight-week trend as a PNG, drawn off the event loop (bot.reports.attachments.draw)."""
    return await draw(trend_png, digest.week_labels, digest.trend, "Extra-mile actions per week")
