"""Each action's embedding is stored once, when saved, and read back per practice for the
ranking (issue 17); on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from bot.domain import embedding
from bot.domain.org import Organisation
from bot.domain.practice_matching import PracticeText, rank
from storage.action_vectors import (
    action_vector_table,
    backfill_vectors,
    forget_vectors_of,
    practice_vectors,
    remember_text,
    remember_vector,
    vector_of,
)
from storage.database import Database
from storage.people import sync_organisation
from storage.practices import assign_practice, create_practice
from storage.privacy import erase_person
from storage.uow import UnitOfWork
from tests.fakes.stored import stored_deed

NOW = datetime.fromisoformat("2026-11-20T12:00:00+00:00")


async def test_a_vector_is_stored_once_and_read_back_per_practice(
    database: Database, org: Organisation
) -> None:
    async with UnitOfWork(database) as uow:
        await sync_organisation(uow, org)
        umbrella = await create_practice(uow, "Lend an umbrella", "asha", NOW)
        taxi = await create_practice(uow, "Call a taxi", "asha", NOW)
        texts = {
            umbrella: ["lent my brolly, pouring down", "gave her the spare umbrella"],
            taxi: ["rang a cab for an old gent"],
        }
        ids = {}
        for practice, words in texts.items():
            for text in words:
                ids[text] = await stored_deed(uow, text)
                await assign_practice(uow, ids[text], practice)
                stored = await remember_text(uow, ids[text], text)
                assert stored == embedding.embed(text)
        await uow.commit()

    async with UnitOfWork(database) as uow:
        first = ids["lent my brolly, pouring down"]
        again = await remember_text(uow, first, "other words: the stored one stands")
        assert again == embedding.embed("lent my brolly, pouring down")
        count = (
            await uow.session.exec(sa.select(sa.func.count()).select_from(action_vector_table))
        ).scalar()
        assert count == 3
        found = await practice_vectors(uow)
        assert set(found) == {umbrella, taxi}
        assert found[umbrella] == (  # newest first
            embedding.embed("gave her the spare umbrella"),
            embedding.embed("lent my brolly, pouring down"),
        )
        assert len(await practice_vectors(uow, latest=1)) == 2
        assert len((await practice_vectors(uow, latest=1))[umbrella]) == 1

        deed = "customer had no brolly so I lent ours"
        vector = embedding.embed(deed)
        practices = [PracticeText(p, t[0], tuple(t), found[p]) for p, t in texts.items()]
        assert rank(deed, practices, vector=vector)[0].practice_id == umbrella


async def test_vectors_of_another_model_are_not_read(database: Database, org: Organisation) -> None:
    async with UnitOfWork(database) as uow:
        await sync_organisation(uow, org)
        practice = await create_practice(uow, "Lend an umbrella", "asha", NOW)
        action = await stored_deed(uow, "lent an umbrella")
        await assign_practice(uow, action, practice)
        await uow.session.exec(
            sa.insert(action_vector_table).values(
                action_id=action, model="old-model", vector=b"\0" * 8
            )
        )
        assert await vector_of(uow, action) is None
        assert await practice_vectors(uow) == {}
        assert await remember_text(uow, action, "lent an umbrella") == embedding.embed(
            "lent an umbrella"
        )  # the current model's vector replaces the old one
        assert await vector_of(uow, action) == embedding.embed("lent an umbrella")
        other = await stored_deed(uow, "brolly")
        await remember_vector(uow, other, b"\0" * 8)
        assert await vector_of(uow, other) == b"\0" * 8


async def test_erasure_drops_the_person_s_vectors_only(
    database: Database, org: Organisation
) -> None:
    async with UnitOfWork(database) as uow:
        await sync_organisation(uow, org)
        hers = await stored_deed(uow, "lent an umbrella")
        await remember_vector(uow, hers, b"\1" * 8)
        his = await stored_deed(uow, "lent a brolly", person="tom")
        await remember_vector(uow, his, b"\2" * 8)
        assert await forget_vectors_of(uow, "asha") == 1
        assert await vector_of(uow, hers) is None
        assert await vector_of(uow, his) == b"\2" * 8


async def test_actions_saved_before_vectors_were_kept_are_filled_in(
    database: Database, org: Organisation
) -> None:
    async with UnitOfWork(database) as uow:
        await sync_organisation(uow, org)
        practice = await create_practice(uow, "Lend an umbrella", "asha", NOW)
        old = [await stored_deed(uow, f"lent an umbrella, day {n}") for n in range(3)]
        for action in old:
            await assign_practice(uow, action, practice)
        await stored_deed(uow, "not filed under a practice")
        assert await backfill_vectors(uow, limit=2) == 2
        assert await vector_of(uow, old[0]) is None  # newest first
        assert await backfill_vectors(uow) == 1
        assert await backfill_vectors(uow) == 0
        assert await vector_of(uow, old[0]) == embedding.embed("lent an umbrella, day 0")
        assert len((await practice_vectors(uow))[practice]) == 3


async def test_erasure_drops_the_vectors_worked_out_from_the_persons_words(
    database: Database, org: Organisation
) -> None:
    """A vector is worked out from the words as the person wrote them: erasing the person
    drops it with them (the ranking works out a new one from the scrubbed words)."""
    async with UnitOfWork(database) as uow:
        await sync_organisation(uow, org)
        action_id = await stored_deed(uow, "Drove Mrs Okafor home to 14 Elm Road")
        await remember_vector(uow, action_id, b"\x00" * 4 * embedding.DIMENSIONS)
        await uow.commit()
    async with UnitOfWork(database) as uow:
        await erase_person(uow, "asha", ["Asha Patel"])
        await uow.commit()
    async with UnitOfWork(database) as uow:
        assert await vector_of(uow, action_id) is None
