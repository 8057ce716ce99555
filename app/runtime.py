"""Start-up shared by every entry point: settings -> organisation -> database -> engine."""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import Clock, SystemClock
from bot.delivery.messenger import DeliveryStore
from bot.domain.org import Organisation
from bot.domain.orgfile import load_organisation
from bot.engine import Engine
from bot.intake import Inbox
from bot.settings import Settings
from storage.database import Database, DatabaseNotWritable, is_unwritable, open_database
from storage.delivery import SqlDeliveryStore
from storage.inbox import SqlInbox
from storage.people import identities, sync_organisation
from storage.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class Runtime:
    settings: Settings
    org: Organisation
    database: Database
    engine: Engine
    delivery: DeliveryStore  # what the platforms keep between messages (addresses, copies)
    inbox: Inbox  # requests written before they are acknowledged (bot.intake)

    async def close(self) -> None:
        await self.database.close()


async def start_runtime(settings: Settings, *, clock: Clock | None = None) -> Runtime:
    """Load and check the organisation file first: nothing runs on half a configuration."""
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
    )
