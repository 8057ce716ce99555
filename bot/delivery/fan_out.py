"""Weekly fan-outs: one message per recipient per period, at their local scheduled time.

The period is the scheduled occurrence (its local date), so every run of a job, from
the cron trigger, a catch-up at start or `run-job --at`, agrees on what is due: it
sends what is due and not yet sent, within the grace period, and nothing else.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime

from bot.context import Scene
from bot.domain.org import Person, parse_weekly
from bot.domain.schedules import due, timezone_of
from bot.messages import Outbound
from storage.people import platform_timezones
from storage.runs import already_run, claim_run

Build = Callable[[Scene, Person, datetime], Awaitable[Outbound | None]]
# Slow work on what `build` made (drawing charts): given each recipient and their message,
# the messages to send instead.
Finish = Callable[[list[tuple[Person, Outbound | None]]], Awaitable[list[Outbound | None]]]
CHUNK = 200  # recipients per transaction


@dataclass
class FanOutReport:
    sent: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    already: int = 0
    not_due: int = 0
    sent_to: list[str] = field(default_factory=list)  # names, in the order sent
    periods: set[str] = field(default_factory=set)  # the periods (ISO dates) weighed

    def skip(self, reason: str) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1

    def __str__(self) -> str:
        skips = ", ".join(f"{n} {why}" for why, n in sorted(self.skipped.items()))
        return f"sent {self.sent}, already sent {self.already}, not due {self.not_due}" + (
            f", skipped: {skips}" if skips else ""
        )


async def fan_out(
    scene: Scene,
    *,
    job: str,
    schedule: str,
    recipients: list[Person],
    build: Build,
    finish: Finish | None = None,
    report: FanOutReport | None = None,
) -> FanOutReport:
    """Each due recipient's message, a chunk at a time: `build` them (reads), then `finish`
    them with no transaction open, then claim each recipient's run and queue the message."""
    report = report or FanOutReport()
    due_now = await _due_now(scene, schedule, recipients, report)
    done = await already_run(scene.uow, job, {o.date().isoformat() for _, o in due_now})
    todo = [(p, o) for p, o in due_now if (o.date().isoformat(), p.id) not in done]
    report.already += len(due_now) - len(todo)
    for start in range(0, len(todo), CHUNK):
        if start:
            # Commit as it goes: each recipient's run key makes a half-done job safe to
            # run again, and the database is never held for the whole fan-out.
            await scene.uow.commit()
        chunk = todo[start : start + CHUNK]
        built = [(person, await build(scene, person, occurrence)) for person, occurrence in chunk]
        messages = [message for _, message in built]
        if finish is not None and any(message is not None for message in messages):
            # The reads are done: end their transaction (with the earlier chunks' writes),
            # and let other writers (people's turns) in while `finish` works.
            async with scene.uow.released():
                messages = await finish(built)
        for (person, occurrence), message in zip(chunk, messages, strict=True):
            await _send_once(scene, job, person, occurrence, message, report)
    return report


async def _due_now(
    scene: Scene, schedule: str, recipients: list[Person], report: FanOutReport
) -> list[tuple[Person, datetime]]:
    """Each recipient whose occurrence is due (within the grace), with it; the others are
    counted not due."""
    weekly = parse_weekly(schedule)
    grace = scene.org.schedule.grace_hours
    reported = await platform_timezones(scene.uow)
    due_now: list[tuple[Person, datetime]] = []
    for person in recipients:
        occurrence = due(weekly, timezone_of(scene.org, person, reported), scene.now, grace)
        if occurrence is None:
            report.not_due += 1
        else:
            due_now.append((person, occurrence))
    report.periods.update(o.date().isoformat() for _, o in due_now)
    return due_now


async def _send_once(
    scene: Scene,
    job: str,
    person: Person,
    occurrence: datetime,
    message: Outbound | None,
    report: FanOutReport,
) -> None:
    """Claim the person's run for this period, then queue the message, once."""
    period = occurrence.date().isoformat()
    if not await claim_run(scene.uow, job, period, person.id, scene.now):
        report.already += 1
    elif message is not None:  # else a rule said no; the run is recorded so it is not weighed again
        await scene.notify.person(person.id, message, job, period, person.id)
        report.sent += 1
        report.sent_to.append(person.name)
