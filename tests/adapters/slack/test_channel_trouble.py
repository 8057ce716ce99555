"""When the bot cannot post to the recognition channel, an admin is told in chat, once
per channel and error, with why and what to do."""

from __future__ import annotations

from sqlmodel import col, select

from bot.delivery.codec import dump_outbound, load_outbound
from bot.domain.org import Organisation
from bot.messages import Text
from storage.database import Database
from storage.outbox import enqueue_channel
from storage.tables import OutboxRow
from storage.uow import UnitOfWork
from tests.adapters.slack.test_outbox_slack import NOW, SteppingClock, _dispatcher, synced
from tests.fakes.fake_slack import FakeSlack

__all__ = ["synced"]  # the fixture, shared


async def _praise(database: Database, text: str) -> None:
    async with UnitOfWork(database) as uow:
        await enqueue_channel(
            uow,
            platform="slack",
            channel="C0RECOGN",
            payload=dump_outbound(Text(text)),
            now=NOW,
        )
        await uow.commit()


async def _told(database: Database, person: str) -> list[str]:
    async with UnitOfWork(database) as uow:
        rows = (
            await uow.session.exec(
                select(OutboxRow).where(OutboxRow.person_id == person).order_by(col(OutboxRow.id))
            )
        ).all()
    messages = [load_outbound(r.payload) for r in rows]
    return [m.text for m in messages if isinstance(m, Text)]


async def test_an_admin_is_told_once_why_the_channel_post_failed_and_what_to_do(
    synced: Database, org: Organisation, fake_slack: FakeSlack
) -> None:
    fake_slack.fail("chat.postMessage", error="not_in_channel", times=2)
    await _praise(synced, "Well done, Asha")
    await _praise(synced, "Well done, Ben")
    dispatcher = _dispatcher(synced, org, fake_slack.api_url, SteppingClock())
    await dispatcher.run_once()
    [told] = await _told(synced, "ops")  # the admin, once for the channel and the error
    assert "C0RECOGN" in told and "not_in_channel" in told
    assert "/invite" in told and "chat:write.public" in told
    assert await _told(synced, "asha") == []  # nobody else
    await dispatcher.run_once()  # and it reaches them
    [dm] = [p for p in fake_slack.of("chat.postMessage") if p.params["channel"] == "U0OLA001"]
    assert "chat:write.public" in str(dm.params)
