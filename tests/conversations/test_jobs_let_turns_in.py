"""A job's slow work that needs no transaction (the digest's charts) does not keep the
database's writers waiting: a person's turn during it is answered at once. The job held
the SQLite writer lock from its first read to its last write, so on a Friday every turn
(and every modal submission, which must be answered within 3 seconds) waited for all
the managers' charts to be drawn."""

from __future__ import annotations

import asyncio
from datetime import datetime

import pytest

import bot.features.digest.job
from app.jobs import run_job
from bot.clock import FixedClock
from bot.domain.org import Organisation
from bot.engine import Engine
from bot.features.digest.report import Digest, digest_chart
from bot.messages import Sender, TextMessage
from storage.database import Database
from storage.people import sync_organisation
from storage.uow import UnitOfWork

FRIDAY = datetime.fromisoformat("2026-11-27T16:01:00+00:00")  # just after the digest's time


async def test_a_turn_is_answered_while_the_digest_draws_its_charts(
    database: Database, org: Organisation, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with UnitOfWork(database) as uow:
        await sync_organisation(uow, org)
        await uow.commit()
    drawing, may_finish = asyncio.Event(), asyncio.Event()

    async def held_chart(digest: Digest) -> bytes:
        drawing.set()
        await may_finish.wait()  # drawing, for as long as the test says
        return await digest_chart(digest)

    monkeypatch.setattr(bot.features.digest.job, "digest_chart", held_chart)
    job = asyncio.create_task(run_job("manager-digest", org=org, database=database, at=FRIDAY))
    try:
        await asyncio.wait_for(drawing.wait(), 30)
        engine = Engine(org=org, database=database, clock=FixedClock(FRIDAY))
        turn = engine.handle(TextMessage(Sender("console", "asha"), "help", "during-digest"))
        # Not held up by the job: answered while the chart is still being drawn.
        replies = await asyncio.wait_for(turn, 10)
        assert replies
        assert not job.done()
    finally:
        may_finish.set()
    assert "sent 1" in await job
