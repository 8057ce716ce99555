"""The `vector-backfill` job: deeds filed under a practice without a vector (saved before
the matcher existed, or when embedding failed) get one, in small batches until none
remain, and the SQLite writer lock is let go while they are embedded, so a turn during
the job is not held up. A deed whose words change while they are embedded keeps no
vector of the old words."""

from __future__ import annotations

import asyncio
from datetime import datetime

import pytest
import sqlalchemy as sa

import storage.action_vectors
from app.jobs import JOBS, run_job
from bot.domain import embedding
from bot.domain.org import Organisation
from storage.action_vectors import backfill_all, vector_of
from storage.database import Database
from storage.people import sync_organisation
from storage.practices import assign_practice, create_practice
from storage.tables import ActionRow
from storage.uow import UnitOfWork
from tests.fakes.stored import stored_deed

NOW = datetime.fromisoformat("2026-11-20T12:00:00+00:00")
WORDS = [f"lent an umbrella in the rain, day {n}" for n in range(5)]


async def _deeds_without_vectors(database: Database, org: Organisation) -> list[int]:
    async with UnitOfWork(database) as uow:
        await sync_organisation(uow, org)
        practice = await create_practice(uow, "Lend an umbrella", "asha", NOW)
        ids = [await stored_deed(uow, words) for words in WORDS]
        for action_id in ids:
            await assign_practice(uow, action_id, practice)
        await uow.commit()
    return ids


async def test_a_deed_without_a_vector_gets_one_when_the_job_runs(
    database: Database, org: Organisation
) -> None:
    assert "vector-backfill" in JOBS
    ids = await _deeds_without_vectors(database, org)
    assert await run_job("vector-backfill", org=org, database=database, at=NOW) == (
        "stored 5 vectors"
    )
    async with UnitOfWork(database, read_only=True) as uow:
        for action_id, words in zip(ids, WORDS, strict=True):
            assert await vector_of(uow, action_id) == embedding.embed(words)
    # None remain: the next run stores nothing.
    assert await run_job("vector-backfill", org=org, database=database, at=NOW) == (
        "stored 0 vectors"
    )


async def test_the_backfill_goes_in_batches_until_none_remain(
    database: Database, org: Organisation
) -> None:
    ids = await _deeds_without_vectors(database, org)
    async with UnitOfWork(database) as uow:
        assert await backfill_all(uow, batch=2) == 5
        await uow.commit()
    async with UnitOfWork(database, read_only=True) as uow:
        assert all([await vector_of(uow, action_id) for action_id in ids])


async def test_a_turn_is_not_held_up_while_the_job_embeds(
    database: Database, org: Organisation, monkeypatch: pytest.MonkeyPatch
) -> None:
    [first, *_] = await _deeds_without_vectors(database, org)
    embedding_started, may_finish = asyncio.Event(), asyncio.Event()
    embedded = storage.action_vectors.embedded

    async def held(text: str) -> bytes | None:
        embedding_started.set()
        await may_finish.wait()  # embedding, for as long as the test says
        return await embedded(text)

    monkeypatch.setattr(storage.action_vectors, "embedded", held)
    job = asyncio.create_task(run_job("vector-backfill", org=org, database=database, at=NOW))
    try:
        await asyncio.wait_for(embedding_started.wait(), 30)

        async def write() -> None:  # a writer, as a turn is: it gets in at once
            async with UnitOfWork(database) as uow:
                await uow.session.exec(
                    sa.update(ActionRow).where(ActionRow.id == first).values(extra="edited")  # type: ignore[arg-type]
                )
                await uow.commit()

        await asyncio.wait_for(write(), 10)
        assert not job.done()
    finally:
        may_finish.set()
    # The edited deed's old words are not stored as its vector; the others are.
    assert await job == "stored 4 vectors"
    async with UnitOfWork(database, read_only=True) as uow:
        assert await vector_of(uow, first) is None
    # The next run works out the edited words' vector.
    assert await run_job("vector-backfill", org=org, database=database, at=NOW) == (
        "stored 1 vectors"
    )
    async with UnitOfWork(database, read_only=True) as uow:
        assert await vector_of(uow, first) == embedding.embed("edited")
