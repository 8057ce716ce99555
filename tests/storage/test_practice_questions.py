"""The unasked mark (storage.practice_questions): of two transactions taking the same
deed's mark at once, exactly one gets it (the other waits for it, then finds it gone);
a save rolled back leaves no mark; a deed deleted takes its mark with it."""

from __future__ import annotations

import asyncio

import pytest
import sqlalchemy as sa

from bot.domain.org import Organisation
from storage.actions import add_action
from storage.database import Database
from storage.people import sync_organisation
from storage.practice_questions import mark_unasked, take_unasked, unasked
from storage.tables import ActionRow
from storage.uow import UnitOfWork
from tests.conftest import NOW
from tests.conversations.test_nominations import MONDAY, deed


@pytest.fixture(autouse=True)
async def people(database: Database, org: Organisation) -> None:
    async with UnitOfWork(database) as uow:
        await sync_organisation(uow, org)
        await uow.commit()


async def saved(database: Database, *, marked: bool = True) -> int:
    async with UnitOfWork(database) as uow:
        action = await add_action(uow, "asha", deed(MONDAY, "Carried the shopping"))
        if marked:
            mark_unasked(uow, action.id, NOW)
        await uow.commit()
    return action.id


async def test_two_takers_at_once_one_gets_the_mark(database: Database) -> None:
    action = await saved(database)

    async def take() -> bool:
        async with UnitOfWork(database) as uow:
            took = await take_unasked(uow, action)
            await asyncio.sleep(0.2)  # the other tries meanwhile
            await uow.commit()
        return took

    assert sorted(await asyncio.gather(take(), take())) == [False, True]
    async with UnitOfWork(database) as uow:
        assert await unasked(uow, before=NOW.replace(year=2100), limit=10) == []


async def test_a_rolled_back_taker_leaves_the_mark(database: Database) -> None:
    action = await saved(database)
    async with UnitOfWork(database) as uow:
        assert await take_unasked(uow, action)  # and never committed
    async with UnitOfWork(database) as uow:
        [left] = await unasked(uow, before=NOW.replace(year=2100), limit=10)
    assert left.action_id == action and left.person_id == "asha"


async def test_a_rolled_back_save_and_a_deleted_deed_leave_no_mark(database: Database) -> None:
    async with UnitOfWork(database) as uow:
        action = await add_action(uow, "asha", deed(MONDAY, "Carried the shopping"))
        mark_unasked(uow, action.id, NOW)  # and never committed
    gone = await saved(database)
    async with UnitOfWork(database) as uow:
        await uow.session.exec(sa.delete(ActionRow).where(ActionRow.id == gone))  # type: ignore[arg-type]
        await uow.commit()
    async with UnitOfWork(database) as uow:
        assert await unasked(uow, before=NOW.replace(year=2100), limit=10) == []
