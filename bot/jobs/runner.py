"""Run a job by name, now or as of a given time (`extramile run-job NAME --at ISO`)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

from bot.clock import FixedClock, local_today
from bot.flows.turn import Scene
from bot.jobs import (
    approval_reminders,
    follow_up,
    manager_digest,
    nominations,
    retention,
    supervisor_summary,
    weekly_prompt,
)
from bot.org import Organisation
from storage.database import Database
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

Job = Callable[[Scene], Awaitable[object]]
JOBS: dict[str, Job] = {
    "weekly-prompt": weekly_prompt.run,
    "supervisor-summary": supervisor_summary.run,
    "manager-digest": manager_digest.run,
    "follow-up": follow_up.run,
    "approval-reminders": approval_reminders.run,
    "nominations": nominations.run,
    "retention": retention.run,
}


class UnknownJob(Exception):
    pass


async def run_job(name: str, *, org: Organisation, database: Database, at: datetime) -> str:
    """Run one job in one transaction; return its report."""
    job = JOBS.get(name)
    if job is None:
        raise UnknownJob(f"no job {name!r}; jobs: {', '.join(sorted(JOBS))}")
    clock = FixedClock(at)
    async with UnitOfWork(database) as uow:
        scene = Scene(
            org=org, uow=uow, now=clock.now(), today=local_today(clock, org.organisation.timezone)
        )
        report = await job(scene)
        await uow.commit()
    log.info("job %s at %s: %s", name, at.isoformat(), report)
    return str(report)
