"""The scheduler: apscheduler's asyncio scheduler with cron triggers from the organisation
file's `schedule`, one per job and time zone in use (apscheduler handles daylight saving).

Every job decides what is due from the time it runs and records each (job, period,
recipient) under a unique constraint, so a double fire, two scheduler processes or
the catch-up run at start never send anything twice; a run missed while the bot was
down goes out late, within `schedule.grace_hours`, and never after.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from app.jobs import run_job
from app.runtime import Runtime
from bot.domain.org import DAYS, Organisation, parse_weekly
from bot.domain.schedules import timezone_of

log = logging.getLogger(__name__)

APPROVAL_CHECK_MINUTES = 15
SWEEP_MINUTES = 15
FOLLOW_UP_HOUR = 10
NOMINATIONS_HOUR = 6
RETENTION_HOUR = 3
# Before the nominations: a night's run finds the few deeds still without a vector, but
# it walks the actions to find them (0.4 s at a million, measured), so not more often.
VECTOR_BACKFILL_HOUR = 5


def weekly_jobs(org: Organisation) -> dict[str, str]:
    return {
        "weekly-prompt": org.schedule.weekly_prompt,
        "supervisor-summary": org.schedule.supervisor_summary,
        "manager-digest": org.schedule.manager_digest,
        "knowledge-question": org.schedule.knowledge_question,
    }


def build_scheduler(runtime: Runtime) -> AsyncIOScheduler:
    org = runtime.org
    scheduler = AsyncIOScheduler(timezone=org.organisation.timezone)

    def runner(name: str) -> Callable[[], Awaitable[None]]:
        async def run() -> None:
            try:
                report = await run_job(
                    name, org=org, database=runtime.database, at=runtime.engine.clock.now()
                )
                log.info("%s: %s", name, report)
            except Exception:
                log.exception("%s failed; its next run picks up what is due", name)

        return run

    grace = org.schedule.grace_hours * 3600
    zones = sorted({timezone_of(org, p) for p in org.people})
    for name, schedule in weekly_jobs(org).items():
        weekly = parse_weekly(schedule)
        for zone in zones:
            trigger = CronTrigger(
                day_of_week=DAYS[weekly.day],
                hour=weekly.at.hour,
                minute=weekly.at.minute,
                timezone=zone,
            )
            scheduler.add_job(
                runner(name),
                trigger,
                id=f"{name}@{zone}",
                coalesce=True,
                max_instances=1,
                misfire_grace_time=grace,
                replace_existing=True,
            )
        # At start: whatever was missed while the bot was down and is still in grace.
        scheduler.add_job(runner(name), id=f"{name}@start", replace_existing=True)
        # And a sweep every quarter hour, for people in zones Slack or Teams reported
        # (each run sends only what is due and unsent, so it costs nothing twice).
        scheduler.add_job(
            runner(name),
            IntervalTrigger(minutes=SWEEP_MINUTES),
            id=f"{name}@sweep",
            coalesce=True,
            max_instances=1,
            replace_existing=True,
        )
    # Daily jobs at a local hour (the organisation's time zone), the approval check, and
    # the deeds' missing vectors filled in (each run stores only what is still missing).
    for name, trigger in (
        ("retention", CronTrigger(hour=RETENTION_HOUR, minute=0)),
        ("nominations", CronTrigger(hour=NOMINATIONS_HOUR, minute=0)),
        ("follow-up", CronTrigger(hour=FOLLOW_UP_HOUR, minute=0)),
        ("approval-reminders", IntervalTrigger(minutes=APPROVAL_CHECK_MINUTES)),
        # A deed's practice question lost to a crash: read from its own small table.
        ("practice-questions", IntervalTrigger(minutes=SWEEP_MINUTES)),
        ("vector-backfill", CronTrigger(hour=VECTOR_BACKFILL_HOUR, minute=0)),
    ):
        scheduler.add_job(
            runner(name), trigger, id=name, coalesce=True, max_instances=1, replace_existing=True
        )
    return scheduler
