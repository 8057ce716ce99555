"""The delivery store (bot.delivery.messenger.DeliveryStore) on the database: what the platforms'
messengers and listeners keep between messages. Each call is one short transaction
of its own, since they run outside any turn (a turn saves its sender's address in its
own unit of work: bot.engine)."""

from __future__ import annotations

from collections.abc import Mapping

from storage import addresses, people, posted
from storage.database import Database
from storage.uow import UnitOfWork


class SqlDeliveryStore:
    def __init__(self, database: Database) -> None:
        self._database = database

    async def address(self, person_id: str, platform: str) -> dict[str, object] | None:
        async with UnitOfWork(self._database, read_only=True) as uow:
            return await addresses.find_address(uow, person_id, platform)

    async def addresses(self, platform: str) -> dict[str, dict[str, object]]:
        async with UnitOfWork(self._database, read_only=True) as uow:
            return await addresses.all_addresses(uow, platform)

    async def latest_address(self, platform: str) -> dict[str, object] | None:
        async with UnitOfWork(self._database, read_only=True) as uow:
            return await addresses.any_address(uow, platform)

    async def remember_address(
        self,
        person_id: str,
        platform: str,
        address: Mapping[str, object],
        *,
        timezone: str | None = None,
    ) -> None:
        async with UnitOfWork(self._database) as uow:
            changed = await addresses.remember_address(uow, person_id, platform, address)
            if timezone is not None:
                changed = await people.remember_timezone(uow, person_id, timezone) or changed
            if changed:
                await uow.commit()

    async def remember_addresses(
        self, platform: str, learned: Mapping[str, Mapping[str, object]]
    ) -> None:
        if not learned:
            return
        async with UnitOfWork(self._database) as uow:
            await addresses.remember_addresses(uow, platform, learned)
            await uow.commit()

    async def posted(self, card_key: str, person_id: str, platform: str) -> list[dict[str, object]]:
        async with UnitOfWork(self._database, read_only=True) as uow:
            return await posted.find_posted(uow, card_key, person_id, platform)

    async def remember_posted(
        self, card_key: str, person_id: str, platform: str, where: Mapping[str, object]
    ) -> None:
        async with UnitOfWork(self._database) as uow:
            await posted.remember_posted(uow, card_key, person_id, platform, where)
            await uow.commit()

    async def remember_timezone(self, person_id: str, timezone: str) -> None:
        async with UnitOfWork(self._database) as uow:
            if await people.remember_timezone(uow, person_id, timezone):
                await uow.commit()
