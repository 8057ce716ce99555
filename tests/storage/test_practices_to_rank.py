"""What the ranking reads after a save (issue 18: one prebuilt statement) must be exactly
what `practices` and `practice_vectors` read on their own: every practice not merged
away, an empty one included, its latest examples newest first, and the stored vectors of
its latest actions (another model's, or none, skipped); on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from bot.domain.org import Organisation
from storage.action_vectors import action_vector_table, practice_vectors, remember_vector
from storage.database import Database
from storage.people import sync_organisation
from storage.practice_edits import merge_practices
from storage.practices import assign_practice, create_practice, practices
from storage.practices_to_rank import practices_to_rank
from storage.uow import UnitOfWork
from tests.fakes.stored import stored_deed

NOW = datetime.fromisoformat("2026-11-20T12:00:00+00:00")


async def test_one_read_equals_the_two_it_replaces(database: Database, org: Organisation) -> None:
    async with UnitOfWork(database) as uow:
        await sync_organisation(uow, org)
        ids = [await create_practice(uow, f"Practice {n}", "asha", NOW) for n in range(5)]
        for n in range(40):
            action = await stored_deed(uow, f"Deed {n}")
            await assign_practice(uow, action, ids[n % 3])
            if n % 4:  # some without a vector; one of another model
                await remember_vector(uow, action, bytes([n]) * 8)
            elif n == 8:
                await uow.session.exec(
                    sa.insert(action_vector_table).values(
                        action_id=action, model="old-model", vector=b"\0" * 8
                    )
                )
        await stored_deed(uow, "in no practice")
        assert (await merge_practices(uow, ids[2], ids[3])).outcome == "done"
        # ids[4] has no actions at all.
        await uow.commit()

    async with UnitOfWork(database) as uow:
        for examples, latest in ((5, 20), (3, 4), (0, 2), (7, 0), (5, 1)):
            views, vectors = await practices_to_rank(uow, examples, latest)
            assert views == await practices(uow, examples)
            expected = await practice_vectors(uow, latest) if latest else {}
            assert vectors == expected, (examples, latest)
        views, _ = await practices_to_rank(uow)
        assert {v.id for v in views} == {ids[0], ids[1], ids[3], ids[4]}
        assert next(v for v in views if v.id == ids[4]).examples == ()
