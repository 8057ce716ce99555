"""The unasked mark (storage.practice_questions): of two transactions taking the same
deed's mark at once, exactly one gets it (the other waits for it, then finds it gone);
a failed attempt moves the mark behind the others and counts; a save rolled back leaves
no mark; a deed deleted takes its mark with it."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from bot.domain.org import Organisation
from storage.actions import add_action
from storage.database import Database
from storage.people import sync_organisation
from storage.practice_questions import mark_unasked, postpone, take_unasked, unasked
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


async def blocked(database: Database, task: asyncio.Task[Any]) -> None:
    """Until `task` waits for another transaction: on SQLite for the writer lock (one
    writer at a time), on PostgreSQL for a lock (pg_stat_activity). Fails if it ends
    instead: it did not wait."""

    async def waiting() -> bool:
        if database.writer is not None:
            return bool(database.writer._waiters)
        async with database.engine.connect() as connection:
            found = await connection.scalar(_LOCK_WAITS)
        return bool(found)

    async with asyncio.timeout(30):
        while not await waiting():
            assert not task.done(), "it went ahead instead of waiting"
            await asyncio.sleep(0.01)  # polled: the condition, not a fixed wait
    assert not task.done()


_LOCK_WAITS = sa.text(
    "SELECT count(*) FROM pg_stat_activity"
    " WHERE datname = current_database() AND wait_event_type = 'Lock'"
)


async def test_two_takers_at_once_one_gets_the_mark(database: Database) -> None:
    """The first takes the mark and holds its transaction open; the second, started
    then, waits for it (checked, not assumed), and finds the mark gone once it commits."""
    action = await saved(database)
    took, release = asyncio.Event(), asyncio.Event()

    async def first() -> bool:
        async with UnitOfWork(database) as uow:
            taken = await take_unasked(uow, action)
            took.set()
            await release.wait()
            await uow.commit()
        return taken

    async def second() -> bool:
        async with UnitOfWork(database) as uow:
            taken = await take_unasked(uow, action)
            await uow.commit()
        return taken

    holding = asyncio.create_task(first())
    await took.wait()
    waiting = asyncio.create_task(second())
    await blocked(database, waiting)
    release.set()
    assert await holding is True
    assert await waiting is False
    async with UnitOfWork(database) as uow:
        assert await unasked(uow, before=NOW.replace(year=2100), limit=10) == []


async def test_a_failed_attempt_moves_the_mark_behind_the_others(database: Database) -> None:
    stuck, other = await saved(database), await saved(database)
    later = NOW + timedelta(hours=1)
    async with UnitOfWork(database) as uow:
        assert await postpone(uow, stuck, later) == 1
        assert await postpone(uow, stuck, later) == 2
        assert await postpone(uow, 10**9, later) is None  # no mark: nothing to count
        await uow.commit()
    async with UnitOfWork(database) as uow:
        found = await unasked(uow, before=later + timedelta(seconds=1), limit=10)
        assert [d.action_id for d in found] == [other, stuck]
        assert await unasked(uow, before=later, limit=10) == [found[0]]


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
