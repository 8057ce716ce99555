"""The Notifier: one dedupe key per message, built in one place; written in the caller's
transaction."""

from __future__ import annotations

from sqlmodel import select

from bot.delivery.codec import load_outbound
from bot.delivery.notifier import Notifier, dedupe_key
from bot.messages import Card, Text
from storage.database import Database
from storage.tables import OutboxRow
from storage.uow import UnitOfWork
from tests.conftest import NOW


def test_the_key_is_its_parts_joined() -> None:
    assert dedupe_key("request:7", "told") == "request:7:told"
    assert dedupe_key("follow-up", 12, 2) == "follow-up:12:2"
    assert dedupe_key("request:7", "asked", 5, 1.5) == "request:7:asked:5:1.5"
    assert dedupe_key() is None


async def _rows(database: Database) -> list[OutboxRow]:
    async with UnitOfWork(database) as uow:
        return list((await uow.session.exec(select(OutboxRow).order_by(OutboxRow.id))).all())


async def test_the_same_key_twice_queues_once(database: Database) -> None:
    async with UnitOfWork(database) as uow:
        notify = Notifier(uow, NOW)
        assert await notify.person("asha", Text("Approved"), "request:7", "told")
        assert not await notify.person("asha", Text("Approved again"), "request:7", "told")
        assert await notify.person("sam", Text("Reminder"), "request:7", "reminder")
        assert await notify.channel("slack", "C0RECOG01", Card("Praise"), "feedback", 3, "slack")
        assert not await notify.channel("slack", "C0RECOG01", Card("Again"), "feedback", 3, "slack")
        await uow.commit()
    # A later transaction (a job run again, a retried turn) is told the same.
    async with UnitOfWork(database) as uow:
        assert not await Notifier(uow, NOW).person("asha", Text("Once more"), "request:7", "told")
        await uow.commit()
    rows = await _rows(database)
    assert [(r.person_id, r.target, r.dedupe_key) for r in rows] == [
        ("asha", "asha", "request:7:told"),
        ("sam", "sam", "request:7:reminder"),
        (None, "C0RECOG01", "feedback:3:slack"),
    ]
    assert load_outbound(rows[0].payload) == Text("Approved")
    assert rows[2].platform == "slack"


async def test_without_a_key_every_call_queues(database: Database) -> None:
    async with UnitOfWork(database) as uow:
        notify = Notifier(uow, NOW)
        assert await notify.person("asha", Text("one"))
        assert await notify.person("asha", Text("two"), platform="teams")
        await uow.commit()
    rows = await _rows(database)
    assert [(r.dedupe_key, r.platform) for r in rows] == [(None, "auto"), (None, "teams")]


async def test_nothing_is_queued_unless_the_transaction_commits(database: Database) -> None:
    async with UnitOfWork(database) as uow:
        assert await Notifier(uow, NOW).person("asha", Text("Approved"), "request:7", "told")
    assert await _rows(database) == []
