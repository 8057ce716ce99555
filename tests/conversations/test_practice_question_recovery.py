"""A deed whose practice question was lost (the process died between the save's commit
and the question's own transaction) is asked later, exactly once: the save marks it
unasked in its own transaction, the question's transaction takes the mark away, and the
recovery (at start, and with the nominations job) asks those still marked. A deed asked
the normal way is never asked again, even when the recovery runs meanwhile; deeds saved
before the mark existed are left alone."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from pytest_mock import MockerFixture
from sqlmodel import select

from bot.clock import FixedClock
from bot.context import Scene
from bot.delivery.codec import load_outbound
from bot.domain.org import Organisation
from bot.engine import Engine
from bot.features.nominations import job, practices
from bot.messages import Inbound, Outbound, Replies
from bot.queued_replies import QueueReplies
from storage.actions import add_action
from storage.database import Database
from storage.people import sync_organisation
from storage.practices import assign_practice, create_practice, practice_of
from storage.tables import OutboxRow
from storage.uow import UnitOfWork
from tests.conftest import NOW
from tests.conversations.test_nominations import MONDAY, deed
from tests.conversations.test_practice_choice import asha_action, seed_three
from tests.fakes import deeds
from tests.fakes.chat import Chat, text_of
from tests.storage.test_practice_questions import blocked

QUESTION = ("Is this the same as one of these?", "Has anyone done this before?")
WORDS = "carried her heavy shopping bags out to the car"
LATER = NOW + timedelta(hours=1)


class QueuedChat(Chat):
    """A person on a platform whose answers go through the outbox (Slack, Teams)."""

    async def send(self, inbound: Inbound) -> list[Outbound]:
        self.last = await self.engine.handle(inbound, queue=QueueReplies(forms=False))
        await self.engine.settled()
        return self.last


async def engine_on(database: Database, org: Organisation) -> Engine:
    async with UnitOfWork(database) as uow:
        await sync_organisation(uow, org)
        await uow.commit()
    await seed_three(database)  # so that the person is asked (not the very first deed)
    return Engine(org=org, database=database, clock=FixedClock(NOW))


async def recover(engine: Engine, at: datetime = LATER, **limits: object) -> int:
    """The recovery as the jobs run it: one scene, committed."""
    async with UnitOfWork(engine.database) as uow:
        scene = Scene(org=engine.org, uow=uow, now=at, today=at.date())
        asked = await job.ask_missed(scene, **limits)  # type: ignore[arg-type]
        await uow.commit()
    return asked


async def questions_to(database: Database, person_id: str) -> list[str]:
    """The practice questions queued in the outbox for the person."""
    async with UnitOfWork(database) as uow:
        rows = (
            await uow.session.exec(select(OutboxRow).where(OutboxRow.person_id == person_id))
        ).all()
    found = []
    for row in rows:
        message = load_outbound(row.payload)
        replies = list(message.items) if isinstance(message, Replies) else [message]
        words = text_of(replies)
        if any(q in words for q in QUESTION):
            found.append(words)
    return found


def lose_the_question(mocker: MockerFixture) -> None:
    """The work after the answer never gets to its transaction (the process died)."""
    mocker.patch.object(practices, "embedded", side_effect=RuntimeError("killed"))


async def test_a_lost_question_is_asked_once_by_the_recovery(
    database: Database, org: Organisation, mocker: MockerFixture
) -> None:
    engine = await engine_on(database, org)
    chat = QueuedChat(engine, "asha")
    lose_the_question(mocker)
    await deeds.log_deed(chat, extra=WORDS)
    assert await questions_to(database, "asha") == []  # saved, but never asked
    assert await recover(engine) == 1
    [question] = await questions_to(database, "asha")
    assert "carry heavy shopping" in question.lower()  # ranked like the normal question
    assert await recover(engine, LATER + timedelta(hours=1)) == 0  # asked once only
    assert len(await questions_to(database, "asha")) == 1


async def test_a_lost_question_can_be_answered_like_the_normal_one(
    engine: Engine, mocker: MockerFixture
) -> None:
    await seed_three(engine.database)
    chat = Chat(engine, "asha")
    lose_the_question(mocker)
    reply = await deeds.log_deed(chat, extra=WORDS)
    assert "Saved" in reply and not any(q in reply for q in QUESTION)
    assert await recover(engine) == 1
    assert len(await questions_to(engine.database, "asha")) == 1
    action = await asha_action(engine)
    async with UnitOfWork(engine.database) as uow:
        row = (await uow.session.exec(select(OutboxRow))).all()[-1]
    [card] = load_outbound(row.payload).items  # type: ignore[attr-defined]
    chat.last = [card]
    assert "noted as the same kind of extra mile" in await chat.click(card.buttons[0].label)
    async with UnitOfWork(engine.database) as uow:
        assert await practice_of(uow, action) is not None


async def test_a_normal_save_is_asked_once_even_when_the_recovery_runs(
    database: Database, org: Organisation
) -> None:
    engine = await engine_on(database, org)
    chat = QueuedChat(engine, "asha")
    await deeds.log_deed(chat, extra=WORDS)
    assert len(await questions_to(database, "asha")) == 1
    assert await recover(engine) == 0
    assert len(await questions_to(database, "asha")) == 1


async def test_the_recovery_running_while_the_question_is_worked_out_asks_once(
    database: Database, org: Organisation, mocker: MockerFixture
) -> None:
    """The deed's own question transaction has taken the mark and is held open; the
    recovery (no grace) starts then and waits for it (checked: the writer lock on
    SQLite, a row lock on PostgreSQL), then finds the mark gone: one question."""
    engine = await engine_on(database, org)
    chat = QueuedChat(engine, "asha")
    took, release = asyncio.Event(), asyncio.Event()
    real = practices.practice_of

    async def held(uow: UnitOfWork, action_id: int) -> int | None:
        if not took.is_set():  # the first to get past the mark: the deed's own turn
            took.set()
            await release.wait()
        return await real(uow, action_id)

    mocker.patch.object(practices, "practice_of", side_effect=held)
    own = asyncio.create_task(deeds.log_deed(chat, extra=WORDS))
    await took.wait()
    recovery = asyncio.create_task(recover(engine, NOW + timedelta(seconds=1), grace=timedelta(0)))
    await blocked(database, recovery)
    release.set()
    await own
    assert await recovery == 0
    assert len(await questions_to(database, "asha")) == 1


async def test_the_deeds_own_turn_waits_for_the_recovery_that_took_the_mark(
    database: Database, org: Organisation, mocker: MockerFixture
) -> None:
    """The other way round: the recovery takes the mark (held open) while the deed's
    own question is still worked out; that one's transaction waits, finds it gone."""
    engine = await engine_on(database, org)
    chat = QueuedChat(engine, "asha")
    saved_it, took, release = asyncio.Event(), asyncio.Event(), asyncio.Event()
    real_embedded, real_practice_of = practices.embedded, practices.practice_of

    async def after_the_save(text: str) -> bytes | None:
        saved_it.set()
        await took.wait()  # the recovery holds the mark by then
        return await real_embedded(text)

    async def held(uow: UnitOfWork, action_id: int) -> int | None:
        if not took.is_set():  # the first past the mark: the recovery
            took.set()
            await release.wait()
        return await real_practice_of(uow, action_id)

    mocker.patch.object(practices, "embedded", side_effect=after_the_save)
    mocker.patch.object(practices, "practice_of", side_effect=held)
    own = asyncio.create_task(deeds.log_deed(chat, extra=WORDS))
    await saved_it.wait()
    recovery = asyncio.create_task(recover(engine, NOW + timedelta(seconds=1), grace=timedelta(0)))
    await took.wait()
    await blocked(database, own)
    release.set()
    assert await recovery == 1
    await own
    assert len(await questions_to(database, "asha")) == 1


async def test_deeds_saved_before_the_mark_and_placed_ones_are_not_asked(
    database: Database, org: Organisation, mocker: MockerFixture
) -> None:
    engine = await engine_on(database, org)
    async with UnitOfWork(database) as uow:  # saved before this change: no mark
        await add_action(uow, "asha", deed(MONDAY, WORDS))
        await uow.commit()
    chat = QueuedChat(engine, "asha")
    lose_the_question(mocker)
    await deeds.log_deed(chat, extra=WORDS)
    action = await asha_action(engine)
    async with UnitOfWork(database) as uow:  # placed meanwhile (an admin's edit)
        await assign_practice(uow, action, await create_practice(uow, "Bags", "maria", NOW))
        await uow.commit()
    assert await recover(engine) == 0
    assert await questions_to(database, "asha") == []


async def test_the_recovery_waits_out_the_grace_and_takes_a_few_at_a_time(
    database: Database, org: Organisation, mocker: MockerFixture
) -> None:
    engine = await engine_on(database, org)
    chat = QueuedChat(engine, "asha")
    lose_the_question(mocker)
    for _ in range(3):
        await deeds.log_deed(chat, extra=WORDS)
    assert await recover(engine, NOW) == 0  # too soon: it may still be under way
    assert await recover(engine, limit=2) == 2
    assert await recover(engine, limit=2) == 1
    assert len(await questions_to(database, "asha")) == 3
