"""Issue 16: messages for someone who has only used the console wait for them there and
are never failed; the console shows them and marks them sent; `unreachable` counts them."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.clock import FixedClock
from bot.delivery.codec import dump_outbound, load_outbound
from bot.delivery.dispatcher import Dispatcher
from bot.domain.org import Organisation, Person
from bot.engine import Engine
from bot.messages import Address, Card, Outbound, Sender, Text, TextMessage, opened
from storage.console_inbox import SqlInbox
from storage.outbox import enqueue, outbox_counts
from storage.uow import UnitOfWork

HERE = Address({"platform": "console"})


@dataclass
class Recording:
    """A platform's messenger that records what it was given."""

    platform: str
    sent: list[tuple[str, Outbound]] = field(default_factory=list)

    def can_reach(self, person: Person) -> bool:
        return person.platform_id(self.platform) is not None

    async def send(
        self, person: Person, message: Outbound, *, dedupe_key: str, maybe_sent: bool = False
    ) -> None:
        self.sent.append((person.id, message))

    async def post_to_channel(self, channel: str, message: Outbound) -> None:
        raise AssertionError("no channel posts here")

    async def settle(self) -> None:
        return None


async def _queue(engine: Engine, clock: FixedClock, text: str, key: str) -> None:
    async with UnitOfWork(engine.database) as uow:
        await enqueue(
            uow,
            person_id="asha",
            payload=dump_outbound(Text(text)),
            now=clock.now(),
            dedupe_key=key,
        )
        await uow.commit()


async def _dispatch(engine: Engine, org: Organisation, clock: FixedClock) -> list[str]:
    slack, teams = Recording("slack"), Recording("teams")
    dispatcher = Dispatcher(
        database=engine.database, org=org, messengers={"slack": slack, "teams": teams}, clock=clock
    )
    await dispatcher.run_once()
    return [who for m in (slack, teams) for who, _ in m.sent]


async def test_a_console_only_persons_messages_wait_for_the_console(
    engine: Engine, org: Organisation, clock: FixedClock
) -> None:
    await engine.handle(TextMessage(Sender("console", "asha"), "help", "console:1", HERE))
    await _queue(engine, clock, "Sam asks: which car park?", "ask:1")
    await _queue(engine, clock, "Approved", "decided:1")
    for _ in range(3):
        assert await _dispatch(engine, org, clock) == []  # not sent elsewhere, never failed
    async with UnitOfWork(engine.database) as uow:
        assert await outbox_counts(uow) == {"pending": 2}

    inbox = SqlInbox(engine.database)
    waiting = await inbox.waiting("asha")
    assert [load_outbound(i.payload) for i in waiting] == [
        Text("Sam asks: which car park?"),
        Text("Approved"),
    ]
    await inbox.delivered(*(i.id for i in waiting))
    assert await inbox.waiting("asha") == []
    async with UnitOfWork(engine.database) as uow:
        assert await outbox_counts(uow) == {"sent": 2}


async def test_who_never_used_the_console_is_not_waited_for(
    engine: Engine, org: Organisation, clock: FixedClock
) -> None:
    await _queue(engine, clock, "What went the extra mile this week?", "prompt:1")
    assert "asha" in await _dispatch(engine, org, clock)


async def test_unreachable_counts_the_messages_waiting_in_the_console(
    engine: Engine, org: Organisation, clock: FixedClock
) -> None:
    await engine.handle(TextMessage(Sender("console", "asha"), "help", "console:1", HERE))
    await _queue(engine, clock, "Sam asks: which car park?", "ask:1")
    await _queue(engine, clock, "Approved", "decided:1")
    await _dispatch(engine, org, clock)
    manager = next(p for p in org.people if p.role.value == "manager")
    sender = Sender("slack", manager.slack or "")
    replies = list(opened(await engine.handle(TextMessage(sender, "unreachable", "s:1"))))
    card = next(r for r in replies if isinstance(r, Card))
    assert "Everyone can be reached" not in card.text
    assert any(
        f.label == "Asha Patel" and "2 messages waiting for the console" in f.value
        for f in card.fields
    )
