"""The scheduler: cron triggers from the organisation file, in local time; its process."""

from __future__ import annotations

import asyncio
import signal
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from app.runtime import start_runtime
from app.scheduler import build_scheduler
from bot.settings import EXAMPLE_ORG_FILE, Settings
from tests.fakes.process import Cli, cli_env


async def test_triggers_fire_at_the_local_times_of_the_organisation_file(tmp_path: Path) -> None:
    runtime = await start_runtime(
        Settings(database_url=f"sqlite:///{tmp_path / 's.db'}", org_file=EXAMPLE_ORG_FILE)
    )
    try:
        scheduler = build_scheduler(runtime)
        london = ZoneInfo("Europe/London")
        before_change = datetime(2026, 10, 13, 12, 0, tzinfo=london)
        jobs = {job.id: job for job in scheduler.get_jobs()}
        assert set(jobs) >= {
            "weekly-prompt@Europe/London",
            "supervisor-summary@Europe/London",
            "manager-digest@Europe/London",
            "weekly-prompt@start",
            "follow-up",
            "approval-reminders",
            "vector-backfill",
            "practice-questions",
        }
        trigger = jobs["weekly-prompt@Europe/London"].trigger
        first = trigger.get_next_fire_time(None, before_change)
        after = trigger.get_next_fire_time(first, first.replace(minute=31))
        # Mon 19 Oct (summer time), then Mon 26 Oct after the clocks went back: 09:30 both.
        assert (first.weekday(), first.hour, first.minute) == (0, 9, 30)
        assert (after.weekday(), after.hour, after.minute) == (0, 9, 30)
        assert first.utcoffset() != after.utcoffset()
        digest = jobs["manager-digest@Europe/London"].trigger.get_next_fire_time(
            None, before_change
        )
        assert (digest.weekday(), digest.hour) == (4, 16)
        # The deeds' missing vectors are looked for nightly, before the nominations.
        backfill = jobs["vector-backfill"].trigger.get_next_fire_time(None, before_change)
        nominations = jobs["nominations"].trigger.get_next_fire_time(None, before_change)
        assert (backfill.hour, backfill.minute) == (5, 0) and backfill < nominations
    finally:
        await runtime.close()


async def test_the_scheduler_process_starts_and_stops_cleanly(tmp_path: Path) -> None:
    cli = await Cli.start("scheduler", env=cli_env(tmp_path / "sched.db"))
    try:
        await cli.expect("scheduler running")
        cli.process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(cli.process.wait(), 20) == 0
    finally:
        if cli.process.returncode is None:
            await cli.kill()
