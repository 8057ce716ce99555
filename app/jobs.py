"""Run a job by name, now or as of a given time (`extramile run-job NAME --at ISO`)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

from bot.clock import FixedClock, local_today
from bot.context import Scene
from bot.domain.org import Organisation
from bot.features.approvals import reminders as approval_reminders
from bot.features.digest import job as manager_digest
from bot.features.digest import supervisor_summary
from bot.features.follow_up import job as follow_up
from bot.features.nominations import job as nominations
from bot.features.privacy import retention
from bot.features.prompts import job as weekly_prompt
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
