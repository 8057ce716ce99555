"""Start-up shared by every entry point: settings -> organisation -> database -> engine."""

from __future__ import annotations

import asyncio
import logging
import subprocess
import sys
from dataclasses import dataclass, field

from sqlalchemy.engine import make_url

from bot.clock import Clock, SystemClock, local_today
from bot.context import Scene
from bot.delivery.messenger import DeliveryStore
from bot.domain.org import Organisation
from bot.domain.orgfile import load_organisation
from bot.engine import Engine
from bot.features.nominations.job import ask_missed
from bot.intake import Inbox
from bot.settings import Settings
from storage.database import (
    Database,
    DatabaseNotWritable,
    at_newest,
    is_unwritable,
    open_database,
)
from storage.delivery import SqlDeliveryStore
from storage.inbox import SqlInbox
from storage.people import identities, sync_organisation
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

# What the child process of migrate_apart runs: the database's URL comes on stdin.
_MIGRATE = """
import asyncio, sys
from storage.database import open_database

async def upgrade(url):
    database = open_database(url)
    try:
        await database.upgrade()
    finally:
        await database.close()

asyncio.run(upgrade(sys.stdin.read()))
"""


@dataclass(frozen=True, slots=True)
class Runtime:
    settings: Settings
    org: Organisation
    database: Database
    engine: Engine
    delivery: DeliveryStore  # what the platforms keep between messages (addresses, copies)
    inbox: Inbox  # requests written before they are acknowledged (bot.intake)
    # The practice questions a previous process lost, asked at start (ask_lost_questions).
    catching_up: asyncio.Task[int] | None = field(default=None, compare=False, repr=False)

    async def close(self) -> None:
        if self.catching_up is not None:
            await asyncio.wait({self.catching_up})
        await self.engine.settled()  # the work after its answers (a practice question)
        await self.database.close()


async def start_runtime(
    settings: Settings,
    *,
    clock: Clock | None = None,
    catch_up: bool = False,
    outbox_bell: asyncio.Event | None = None,
) -> Runtime:
    """Load and check the organisation file first: nothing runs on half a configuration.

    `catch_up`: a long-running process (`serve`, `scheduler`) also asks, in the
    background, the practice questions a previous process lost (ask_lost_questions),
    and rings `outbox_bell` (the server's dispatcher) when it queued any. A command
    that runs and exits (portfolio, erase-person, run-job…) leaves them alone."""
    org = load_organisation(settings.organisation_file)
    database = open_database(settings.database_url)
    try:
        await database.upgrade()
        async with UnitOfWork(database) as uow:
            await sync_organisation(uow, org)
            await uow.commit()
        async with UnitOfWork(database) as uow:
            for person_id, platform, user_id in await identities(uow):
                org.learn(person_id, platform, user_id)  # the file's own ids are ignored
    except BaseException as error:
        await database.close()
        if is_unwritable(error):
            raise DatabaseNotWritable(
                f"{settings.database_url}: {error.__cause__ or error}"
            ) from None
        raise
    engine = Engine(org=org, database=database, clock=clock or SystemClock())
    return Runtime(
        settings=settings,
        org=org,
        database=database,
        engine=engine,
        delivery=SqlDeliveryStore(database),
        inbox=SqlInbox(database),
        catching_up=(
            asyncio.create_task(
                ask_lost_questions(engine, outbox_bell), name="lost-practice-questions"
            )
            if catch_up
            else None
        ),
    )


async def ask_lost_questions(engine: Engine, outbox_bell: asyncio.Event | None = None) -> int:
    """In the background at a long-running process's start: the practice questions lost
    when a previous process died between a deed's save and its question
    (bot.features.nominations.job.ask_missed), rung out at once (`outbox_bell`) rather
    than at the dispatcher's next poll. Never fails the start; what is left is asked by
    the next run (the scheduler's `practice-questions` sweep)."""
    try:
        now = engine.clock.now()
        async with UnitOfWork(engine.database) as uow:
            timezone = engine.org.organisation.timezone
            today = local_today(engine.clock, timezone)
            asked = await ask_missed(Scene(org=engine.org, uow=uow, now=now, today=today))
            await uow.commit()
    except Exception:
        log.exception("asking the lost practice questions at start failed")
        return 0
    if asked:
        log.info("asked %d lost practice questions", asked)
        if outbox_bell is not None:
            outbox_bell.set()
    return asked


def migrate_apart(url: str) -> None:
    """Migrations that are due applied by a short-lived process of their own, before a
    long-running one starts: Alembic and the migrations' work (about 10 MB resident)
    would otherwise stay in it for good. Nothing due (a restart): no process. If the
    check or the child fails, start_runtime migrates in-process, and says what is wrong
    as it always has."""
    parsed = make_url(url)
    if parsed.drivername.startswith("sqlite") and parsed.database in (None, "", ":memory:"):
        return  # a database of this process's own
    try:
        due = asyncio.run(_migrations_due(url))
    except Exception:
        return
    if not due:
        return
    child = subprocess.run(
        [sys.executable, "-c", _MIGRATE], input=url, capture_output=True, text=True, check=False
    )
    if child.returncode != 0:
        last = (child.stderr.strip().splitlines() or ["no output"])[-1]
        log.info("migrating in this process instead: the child said %s", last)


async def _migrations_due(url: str) -> bool:
    database = open_database(url)
    try:
        async with database.engine.connect() as connection:
            return not await connection.run_sync(at_newest)
    finally:
        await database.close()
