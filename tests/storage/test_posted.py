"""Where each copy of a card was posted (storage/posted.py), on SQLite and PostgreSQL:
the copies per platform, the same copy kept once, and the platforms holding one."""

from __future__ import annotations

from storage.database import Database
from storage.posted import find_posted, posted_on, remember_posted
from storage.uow import UnitOfWork

SLACK_COPY = {"channel": "D0SAM001", "ts": "1700000000.000100"}
TEAMS_COPY = {"activity_id": "1:4", "reference": {"conversation": {"id": "a:sam"}}}


async def test_the_platforms_holding_a_copy(database: Database) -> None:
    async with UnitOfWork(database) as uow:
        await remember_posted(uow, "request:1", "sam", "slack", SLACK_COPY)
        await remember_posted(uow, "request:1", "sam", "slack", SLACK_COPY)  # a retried send
        await remember_posted(uow, "request:1", "sam", "teams", TEAMS_COPY)
        await remember_posted(uow, "request:1", "priya", "slack", {"channel": "D0P", "ts": "1"})
        await remember_posted(uow, "request:2", "sam", "slack", {"channel": "D0S", "ts": "2"})
        await uow.commit()
    async with UnitOfWork(database) as uow:
        assert await posted_on(uow, "request:1", "sam") == {"slack", "teams"}
        assert await posted_on(uow, "request:2", "sam") == {"slack"}
        assert await posted_on(uow, "request:3", "sam") == set()
        assert await find_posted(uow, "request:1", "sam", "slack") == [SLACK_COPY]
