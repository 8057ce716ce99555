"""The scheduler: apscheduler's asyncio scheduler running the jobs of bot.jobs.

Each run is keyed so that a double fire or a restart does nothing twice (the jobs
themselves record what they did). `extramile serve` runs it in-process unless
--no-scheduler; a chain runs `extramile scheduler` once, beside its web workers.
"""

from __future__ import annotations

import logging

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.jobs.runner import run_job
from bot.runtime import Runtime

log = logging.getLogger(__name__)

APPROVAL_CHECK_MINUTES = 15


def build_scheduler(runtime: Runtime) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone=runtime.org.organisation.timezone)

    async def approval_reminders() -> None:
        try:
            await run_job(
                "approval-reminders",
                org=runtime.org,
                database=runtime.database,
                at=runtime.engine.clock.now(),
            )
        except Exception:
            log.exception("approval-reminders failed; it runs again shortly")

    async def follow_ups() -> None:
        try:
            await run_job(
                "follow-up",
                org=runtime.org,
                database=runtime.database,
                at=runtime.engine.clock.now(),
            )
        except Exception:
            log.exception("follow-up failed; it runs again tomorrow")

    # Follow-ups are asked in the morning, shop time.
    scheduler.add_job(
        follow_ups,
        CronTrigger(hour=10, minute=0),
        id="follow-up",
        coalesce=True,
        max_instances=1,
        replace_existing=True,
    )
    scheduler.add_job(
        approval_reminders,
        IntervalTrigger(minutes=APPROVAL_CHECK_MINUTES),
        id="approval-reminders",
        coalesce=True,
        max_instances=1,
        replace_existing=True,
    )
    return scheduler
