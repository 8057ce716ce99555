"""The outbox dispatcher: delivers queued messages with retries and back-off.

Retry-After from the platform is honoured exactly, and for the whole platform: a rate
limit is per app, so every sender pauses, a short one is waited out in memory rather than
written back to the queue, and sending resumes at the pace the platform allowed
(bot.delivery.pacing). Other failures back off exponentially (1 s, 2 s, 4 s ... capped at
5 minutes) with a little jitter. A message that cannot be delivered after MAX_ATTEMPTS is
marked failed and logged. Delivered messages are marked sent together at the end of each
round (a worker that dies before that leaves them "maybe sent", which the messenger
checks). While requests are arriving, a round waits for them a little (bot.make_way).
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections import defaultdict
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TypeVar

from bot.clock import Clock
from bot.delivery.codec import load_outbound
from bot.delivery.messenger import Messenger, RetryLater, Undeliverable
from bot.delivery.pacing import Gate, within
from bot.delivery.rounds import run_rounds
from bot.delivery.trouble import tell_admins
from bot.domain.org import Organisation, Person
from bot.domain.records import OutboxItem
from bot.make_way import make_way
from bot.messages import CardUpdate, Outbound
from bot.reports.attachments import blobs_wanted, inlined
from storage.addresses import last_heard
from storage.database import Database
from storage.outbox import any_due, claim_due, mark_failed, mark_retry, mark_sent, release
from storage.posted import posted_on
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 12
LEASE = timedelta(minutes=2)
WAIT_IN_MEMORY = 3.0  # seconds: a Retry-After up to this is waited out, not re-queued
TRIES_IN_MEMORY = 5
T = TypeVar("T")


def backoff(attempts: int) -> float:
    return min(2.0 ** (attempts - 1), 300.0) * random.uniform(0.9, 1.1)


async def committed(database: Database, work: Callable[[UnitOfWork], Awaitable[T]]) -> T:
    """Run one of the outbox's own statements in a short transaction of its own."""
    async with UnitOfWork(database, quick=True) as uow:
        result = await work(uow)
        await uow.commit()
    return result


@dataclass
class Dispatcher:
    database: Database
    org: Organisation
    messengers: Mapping[str, Messenger]
    clock: Clock
    concurrency: int = 32
    batch: int = 200
    lease: timedelta = LEASE
    # Rung by the request path when it queues an answer: sent at once, not at the next poll.
    bell: asyncio.Event = field(default_factory=asyncio.Event)
    busy: Callable[[], bool] = field(default=lambda: False)  # are requests arriving?
    patience: float = 0.1  # seconds a round waits for them at most
    # Each platform's pause and pace (bot.delivery.pacing): a rate limit is per app, not per send.
    _gates: defaultdict[str, Gate] = field(default_factory=lambda: defaultdict(Gate), init=False)
    # Delivered, but the database was away when they were to be marked sent: marked first
    # thing next round (left leased, they would hold up their person's later messages).
    _unmarked: list[int] = field(default_factory=list, init=False)

    async def run_once(self, *, draining: asyncio.Event | None = None) -> int:
        """Deliver what is due now; return how many messages were attempted. `draining`
        is set once all have started on their way (run_forever then claims the next)."""
        if self._unmarked:
            # Taken before the await: a round ending meanwhile may add to the list.
            unmarked, self._unmarked = self._unmarked, []
            try:
                await committed(self.database, lambda uow: mark_sent(uow, *unmarked))
            except Exception:
                self._unmarked += unmarked
                raise
        now = self.clock.now()
        # The idle poll only reads (no write lock on SQLite); it claims when there is work.
        async with UnitOfWork(self.database, read_only=True) as uow:
            if not await any_due(uow, now=now):
                return 0
        await make_way(self.busy, self.patience)  # acknowledgements first
        # No more than the slowest paced platform takes in half the lease: a message
        # still unsent when its lease ends could be claimed again.
        most = within(self._gates.values(), self.batch, self.lease.total_seconds() / 2)
        items = await committed(
            self.database, lambda uow: claim_due(uow, now=now, lease=self.lease, limit=most)
        )
        heard = await self._heard(items)
        by_person: dict[str, list[OutboxItem]] = {}
        for item in items:
            by_person.setdefault(item.person_id or f"channel:{item.target}", []).append(item)
        limit = asyncio.Semaphore(self.concurrency)
        sent: list[int] = []
        not_started = len(by_person)

        async def in_order(queue: list[OutboxItem]) -> None:
            # One person's messages arrive in the order they were written; once one
            # has to wait, the ones after it wait too.
            nonlocal not_started
            async with limit:
                not_started -= 1
                if not_started == 0 and draining is not None:
                    draining.set()
                for index, item in enumerate(queue):
                    wait_until = await self._deliver(item, sent, heard)
                    if wait_until is not None:
                        for later in queue[index + 1 :]:
                            await self._release(later.id, wait_until)
                        return

        try:
            await asyncio.gather(*(in_order(queue) for queue in by_person.values()))
        finally:
            try:
                await committed(self.database, lambda uow: mark_sent(uow, *sent))
            except Exception:
                self._unmarked += sent
                raise
            for messenger in self.messengers.values():
                await messenger.settle()
        return len(items)

    async def run_forever(self, stop: asyncio.Event, *, idle: float = 0.5) -> None:
        await run_rounds(lambda draining: self.run_once(draining=draining), stop, self.bell, idle)

    async def _heard(self, items: list[OutboxItem]) -> dict[str, str]:
        """Where each person with ids on several platforms last wrote from (one query)."""
        several = {
            item.person_id
            for item in items
            if item.person_id and len(self._messengers_for(item.person_id, item.platform)) > 1
        }
        if not several:
            return {}
        async with UnitOfWork(self.database, read_only=True) as uow:
            return await last_heard(uow, several)

    async def _deliver(
        self, item: OutboxItem, sent: list[int], heard: Mapping[str, str]
    ) -> datetime | None:
        """Try one message; if it must wait, when (later ones for that person wait with it)."""
        done: set[str] = set()  # the platforms that took it, when it goes to several
        if item.person_id:
            person = self.org.person(item.person_id)
            message = load_outbound(item.payload)
            messengers = await self._targets(item, message, heard)
            if person is None or not messengers:
                await self._fail(item.id, "no platform can reach this person")
                log.warning("outbox %s: nobody to deliver to (%s)", item.id, item.person_id)
                return None
            platform = messengers[0].platform

            async def attempt() -> None:
                await self._send_each(messengers, done, person, message, item, maybe_sent)
        else:
            channel_messenger = self.messengers.get(item.platform)
            if channel_messenger is None:
                await self._fail(item.id, f"{item.platform} is not set up")
                return None
            platform = item.platform

            async def attempt() -> None:
                message = await self._with_files(load_outbound(item.payload))
                await channel_messenger.post_to_channel(item.target, message)

        maybe_sent = item.maybe_sent
        gate = self._gates[platform]
        for tried in range(1, TRIES_IN_MEMORY + 1):
            await gate.wait_turn()
            try:
                await attempt()
            except RetryLater as error:
                maybe_sent = maybe_sent or error.maybe_sent or bool(done)
                short = error.after is not None and error.after <= WAIT_IN_MEMORY
                if short and tried < TRIES_IN_MEMORY:
                    gate.limited(error.after or 0.0)
                    continue
                return await self._retry(item, str(error), error.after, maybe_sent=maybe_sent)
            except Undeliverable as error:
                await self._undeliverable(item, error)
                return None
            except Exception as error:  # a bug or an unexpected platform answer: retry, loudly
                log.exception("outbox %s: unexpected failure", item.id)
                # It may have failed after the platform took the message: check first.
                return await self._retry(item, repr(error), None, maybe_sent=True)
            gate.passed()
            sent.append(item.id)
            return None
        return None

    async def _with_files(self, message: Outbound) -> Outbound:
        """The message with the bytes it references by id (a chart, a PDF) read back."""
        if not blobs_wanted(message):
            return message  # most messages: no transaction
        async with UnitOfWork(self.database, read_only=True) as uow:
            return await inlined(uow, message)

    async def _retry(
        self, item: OutboxItem, reason: str, after: float | None, *, maybe_sent: bool = False
    ) -> datetime | None:
        if item.attempts >= MAX_ATTEMPTS:
            await self._fail(item.id, f"gave up: {reason}")
            log.error("outbox %s failed after %s attempts: %s", item.id, item.attempts, reason)
            return None
        wait = after if after is not None else backoff(item.attempts)
        at = self.clock.now() + timedelta(seconds=wait)
        await committed(
            self.database,
            lambda uow: mark_retry(uow, item.id, at=at, error=reason, maybe_sent=maybe_sent),
        )
        return at

    async def _undeliverable(self, item: OutboxItem, error: Undeliverable) -> None:
        """Failed for good; a channel post's failure is told to the admins in chat."""
        await self._fail(item.id, str(error))
        log.warning("outbox %s undeliverable (%s): %s", item.id, item.target, error)
        if not item.person_id:  # a channel post
            now = self.clock.now()
            await committed(self.database, lambda uow: tell_admins(uow, self.org, item, error, now))

    async def _fail(self, item_id: int, error: str) -> None:
        await committed(self.database, lambda uow: mark_failed(uow, item_id, error=error))

    async def _release(self, item_id: int, at: datetime) -> None:
        await committed(self.database, lambda uow: release(uow, item_id, at=at))

    async def _targets(
        self, item: OutboxItem, message: Outbound, heard: Mapping[str, str]
    ) -> list[Messenger]:
        """Where a person's message goes. A card's new state goes to every platform that
        holds a copy of it, wherever they last wrote from: a copy left on the other
        platform would keep its buttons live. Anything else: where they last wrote."""
        person_id = item.person_id or ""
        messengers = self._messengers_for(person_id)
        if isinstance(message, CardUpdate) and len(messengers) > 1:
            key = message.card_key
            where = await committed(self.database, lambda uow: posted_on(uow, key, person_id))
            copies = [m for m in messengers if m.platform in where]
            if copies:
                return copies
        return self._where_heard(item, heard)

    def _where_heard(self, item: OutboxItem, heard: Mapping[str, str]) -> list[Messenger]:
        """Where the person last wrote from, if it can reach them; else all that can."""
        messengers = self._messengers_for(item.person_id or "", item.platform)
        latest = [m for m in messengers if m.platform == heard.get(item.person_id or "")]
        return latest or messengers

    async def _send_each(
        self,
        messengers: list[Messenger],
        done: set[str],
        person: Person,
        message: Outbound,
        item: OutboxItem,
        maybe_sent: bool,
    ) -> None:
        """On every platform, until they have talked to the bot on one; a platform that
        took it is not sent it again (and a later round checks, with maybe_sent)."""
        for messenger in messengers:
            if messenger.platform in done:
                continue
            await messenger.send(
                person,
                await self._with_files(message),
                dedupe_key=item.dedupe_key,
                maybe_sent=maybe_sent,
            )
            done.add(messenger.platform)

    def _messengers_for(self, person_id: str, platform: str = "auto") -> list[Messenger]:
        """The one platform an answer goes back on, else every platform that can reach
        the person (narrowed to where they last wrote from, when they have)."""
        person = self.org.person(person_id)
        if person is None:
            return []
        chosen = self.messengers.get(platform)
        if chosen is not None and chosen.can_reach(person):
            return [chosen]  # an answer goes back where the person asked
        return [m for m in self.messengers.values() if m.can_reach(person)]
