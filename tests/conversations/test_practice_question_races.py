"""A lost practice question's recovery racing the rest: a person erased, or a deed's
words changed, between the read of the deed and the question's transaction (the
embedding is worked out with no transaction open) is not asked with the old words'
vector, or not asked at all; a deed whose question always fails neither blocks the
others nor stays marked for good."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
import sqlalchemy as sa
from pytest_mock import MockerFixture

from bot.domain.org import Organisation
from bot.features.nominations import job, practices
from storage.action_vectors import vector_of
from storage.database import Database
from storage.practice_questions import unasked
from storage.privacy import erase_person
from storage.tables import ActionRow
from storage.uow import UnitOfWork
from tests.conversations.test_practice_choice import asha_action
from tests.conversations.test_practice_question_recovery import (
    LATER,
    WORDS,
    QueuedChat,
    engine_on,
    lose_the_question,
    questions_to,
    recover,
)
from tests.fakes import deeds


async def erase_asha(database: Database) -> None:
    async with UnitOfWork(database) as uow:
        await erase_person(uow, "asha", ["Asha Patel", "Asha"])
        await uow.commit()


async def latest_action(database: Database) -> int:
    async with UnitOfWork(database) as uow:
        return int((await uow.session.exec(sa.select(sa.func.max(ActionRow.id)))).one()[0])


async def stored_vector(database: Database, action_id: int) -> bytes | None:
    async with UnitOfWork(database) as uow:
        return await vector_of(uow, action_id)


@pytest.mark.parametrize("by", ["recovery", "own turn"])
async def test_a_person_erased_while_the_question_is_worked_out_is_not_asked(
    database: Database, org: Organisation, mocker: MockerFixture, by: str
) -> None:
    """The erasure comes between the read of the deed and the question's transaction
    (the embedding, no transaction open): the deed is a pseudonym's now, so nobody is
    asked, and no vector of the words as written comes back (forget_vectors_of)."""
    engine = await engine_on(database, org)
    chat = QueuedChat(engine, "asha")
    real = job.embedded

    async def erased_meanwhile(text: str) -> bytes | None:
        vector = await real(text)
        await erase_asha(database)
        return vector

    if by == "recovery":
        lose_the_question(mocker)
        await deeds.log_deed(chat, extra=WORDS)
        mocker.patch.object(job, "embedded", side_effect=erased_meanwhile)
        assert await recover(engine) == 0
    else:
        mocker.patch.object(practices, "embedded", side_effect=erased_meanwhile)
        await deeds.log_deed(chat, extra=WORDS)
    action = await latest_action(database)  # a pseudonym's now
    assert await questions_to(database, "asha") == []
    assert await stored_vector(database, action) is None
    async with UnitOfWork(database) as uow:  # the mark went: nobody to ask
        assert await unasked(uow, before=LATER.replace(year=2100), limit=10) == []


async def test_words_changed_while_worked_out_are_asked_about_without_the_old_vector(
    database: Database, org: Organisation, mocker: MockerFixture
) -> None:
    engine = await engine_on(database, org)
    chat = QueuedChat(engine, "asha")
    lose_the_question(mocker)
    await deeds.log_deed(chat, extra=WORDS)
    action = await asha_action(engine)
    real = job.embedded

    async def edited_meanwhile(text: str) -> bytes | None:
        vector = await real(text)
        async with UnitOfWork(database) as uow:
            await uow.session.exec(
                sa.update(ActionRow).where(ActionRow.id == action).values(extra="[scrubbed]")  # type: ignore[arg-type]
            )
            await uow.commit()
        return vector

    mocker.patch.object(job, "embedded", side_effect=edited_meanwhile)
    assert await recover(engine) == 1
    assert len(await questions_to(database, "asha")) == 1
    assert await stored_vector(database, action) is None  # not the old words' vector


async def test_deeds_that_always_fail_do_not_block_the_others_and_are_given_up(
    database: Database, org: Organisation, mocker: MockerFixture, caplog: pytest.LogCaptureFixture
) -> None:
    engine = await engine_on(database, org)
    chat = QueuedChat(engine, "asha")
    lose_the_question(mocker)
    for _ in range(3):
        await deeds.log_deed(chat, extra=WORDS)
    async with UnitOfWork(database) as uow:
        first, second, _last = (d.action_id for d in await unasked(uow, before=LATER, limit=3))
    real = practices._ask

    async def broken(turn: object, *, action_id: int, **rest: object) -> object:
        if action_id in (first, second):
            raise RuntimeError("this deed's question cannot be asked")
        return await real(turn, action_id=action_id, **rest)  # type: ignore[arg-type]

    mocker.patch.object(practices, "_ask", side_effect=broken)
    caplog.set_level(logging.ERROR, logger=job.__name__)
    assert await recover(engine, limit=2) == 0  # the two broken ones: behind the last now
    assert await recover(engine, LATER + timedelta(hours=1), limit=2) == 1
    assert len(await questions_to(database, "asha")) == 1
    for hours in range(2, 6):  # each tried TRIES times in all, then given up
        assert await recover(engine, LATER + timedelta(hours=hours), limit=2) == 0
    async with UnitOfWork(database) as uow:
        assert await unasked(uow, before=LATER.replace(year=2100), limit=10) == []
    gave_up = [r for r in caplog.records if "gave up" in r.getMessage()]
    assert len(gave_up) == 2
