"""Run a job by name, now or as of a given time (`extramile run-job NAME --at ISO`).

Run by hand (`manual`), a weekly job sends the current period (the latest scheduled
occurrence) now, however long ago it was: an admin asked for it. The grace rule stays
for the scheduler and `--at`, which send a missed run only within `grace_hours`."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import date, datetime

from bot.clock import FixedClock, local_today
from bot.context import Scene
from bot.delivery.fan_out import FanOutReport
from bot.domain.org import Organisation
from bot.features.approvals import reminders as approval_reminders
from bot.features.digest import job as manager_digest
from bot.features.digest import supervisor_summary
from bot.features.follow_up import job as follow_up
from bot.features.knowledge import job as knowledge_question
from bot.features.nominations import job as nominations
from bot.features.privacy import retention
from bot.features.prompts import job as weekly_prompt
from storage.action_vectors import backfill_all
from storage.database import Database
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)


async def vector_backfill(scene: Scene) -> str:
    """Vectors for the deeds filed under a practice without one (saved before the
    matcher existed, or when embedding failed), in small batches until none remain,
    each batch embedded with the writer lock let go (storage.action_vectors)."""
    return f"stored {await backfill_all(scene.uow)} vectors"


Job = Callable[[Scene], Awaitable[object]]
JOBS: dict[str, Job] = {
    "weekly-prompt": weekly_prompt.run,
    "supervisor-summary": supervisor_summary.run,
    "manager-digest": manager_digest.run,
    "follow-up": follow_up.run,
    "approval-reminders": approval_reminders.run,
    "nominations": nominations.run,
    "retention": retention.run,
    "knowledge-question": knowledge_question.run,
    "vector-backfill": vector_backfill,
    "practice-questions": nominations.run_lost,
}


# Run by hand, the latest occurrence of a weekly schedule is always due.
WHOLE_WEEK_HOURS = 7 * 24


class UnknownJob(Exception):
    pass


def by_hand(org: Organisation) -> Organisation:
    """The organisation as a manual run sees it: no grace limit, so the current period
    (the latest occurrence) is due even days later. Not validated: the file's own limit
    (72 hours) is for the automatic catch-up only."""
    schedule = org.schedule.model_copy(update={"grace_hours": WHOLE_WEEK_HOURS})
    return org.model_copy(update={"schedule": schedule})


def describe(report: object) -> str:
    """What a manual run sent and to whom ("sent to 2 people: Asha Patel, Tom Reilly;
    skipped 1 (logged lately)"); a report other than a fan-out's as it is."""
    if not isinstance(report, FanOutReport):
        return str(report)
    people = "person" if len(report.sent_to) == 1 else "people"
    parts = [
        f"sent to {len(report.sent_to)} {people}: {', '.join(report.sent_to)}"
        if report.sent_to
        else "sent to nobody"
    ]
    if report.already:
        periods = ", ".join(f"{date.fromisoformat(p):%a %d %b}" for p in sorted(report.periods))
        parts.append(f"already sent to {report.already} for {periods}")
    if report.skipped:
        reasons = ", ".join(
            why if len(report.skipped) == 1 else f"{n} {why}"
            for why, n in sorted(report.skipped.items())
        )
        parts.append(f"skipped {sum(report.skipped.values())} ({reasons})")
    return "; ".join(parts)


async def run_job(
    name: str, *, org: Organisation, database: Database, at: datetime, manual: bool = False
) -> str:
    """Run one job in one transaction; return its report (`manual`: run by hand, the
    current period now, and the report names who it was sent to)."""
    job = JOBS.get(name)
    if job is None:
        raise UnknownJob(f"no job {name!r}; jobs: {', '.join(sorted(JOBS))}")
    if manual:
        org = by_hand(org)
    clock = FixedClock(at)
    async with UnitOfWork(database) as uow:
        scene = Scene(
            org=org, uow=uow, now=clock.now(), today=local_today(clock, org.organisation.timezone)
        )
        report = await job(scene)
        await uow.commit()
    log.info("job %s at %s: %s", name, at.isoformat(), report)
    return describe(report) if manual else str(report)
