"""The engine: one inbound message in, the replies to its sender out.

It resolves who is talking, makes each event key count once, looks the message up in
the route table (bot.routes, where every feature registers its buttons, forms and
commands), runs the handler in one unit of work, and turns errors into replies (two
tiers: a `UserError`'s message as is; anything else logged with a reference the person
can quote). It does not change when a feature is added.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from dataclasses import dataclass, field, replace

from bot.clock import Clock, local_today
from bot.context import Later, Turn
from bot.domain.org import Organisation, Person
from bot.errors import UserError
from bot.features.registry import route_table
from bot.intake import current_row
from bot.messages import (
    ButtonClick,
    Card,
    FormSubmission,
    Inbound,
    Outbound,
    Refusal,
    Sender,
    Text,
)
from bot.queued_replies import QueueReplies, queue_replies
from bot.routes import RouteTable
from storage.addresses import heard_from
from storage.database import Database, StorageUnavailable, is_unavailable
from storage.events import claim_event
from storage.inbox import done as inbox_done
from storage.people import remember_identity, remember_timezone
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Engine:
    org: Organisation
    database: Database
    clock: Clock
    routes: RouteTable = field(default_factory=route_table)
    # Work after the answers (Turn.after_answer) still running; see `settled`.
    _after: set[asyncio.Task[list[Outbound]]] = field(
        default_factory=set, compare=False, repr=False
    )

    def who(self, sender: Sender) -> Person | None:
        return self.org.person_on(sender.platform, sender.user_id)

    async def learn(self, person_id: str, platform: str, user_id: str) -> None:
        """An id found by e-mail: remembered, and known from now on."""
        if self.org.person_on(platform, user_id) is not None:
            return
        async with UnitOfWork(self.database) as uow:
            await remember_identity(uow, person_id, platform, user_id)
            await uow.commit()
        self.org.learn(person_id, platform, user_id)

    async def handle(
        self, inbound: Inbound, *, queue: QueueReplies | None = None, once: bool = False
    ) -> list[Outbound]:
        """The turn's replies to the sender. With `queue`, its messages are written to the
        outbox in the turn's transaction instead, and only what the platform shows in
        place (a card's new state, a form it opens) comes back.

        `once`: the platform never delivers this request again (a Slack command answered
        in its ack). Its event is then claimed at the end of the turn, and only if the
        turn wrote: a read-only command takes no write, and a signed request replayed
        to us still changes nothing twice (its claim fails and the turn rolls back)."""
        person = self.who(inbound.sender)
        if person is None:
            if isinstance(inbound, ButtonClick | FormSubmission):
                # A click on a card someone shared: the card stays as it was.
                return [Refusal(self._stranger_refusal())]
            return [Text(self._stranger_message())]
        try:
            async with UnitOfWork(self.database, quick=True) as uow:
                if not await self._claimed(uow, inbound, first=not once):
                    return await self._replayed(uow, person, inbound)
                await _keep_address(uow, person, inbound)
                turn = self._turn(person, uow)
                replies = await self.routes.find(inbound)(turn)
                if queue is not None:
                    replies = await queue_replies(
                        uow, person, inbound, replies, queue, self.clock, answering=True
                    )
                if once and await uow.wrote() and not await claim_event(uow, inbound.event_key):
                    await uow.rollback()  # the same request, done already
                    return await self._replayed(uow, person, inbound)
                await _commit(uow)
            if turn.drawings:
                replies += await self._drawn(person, inbound, turn, queue)
            if turn.later:
                replies += await self._later(person, inbound, turn.later, queue)
            return replies
        except UserError as error:
            if queue is None:
                return [Text(error.message)]
            return await self._queue_alone(person, inbound, [Text(error.message)], queue)
        except Exception as error:
            if is_unavailable(error):
                # Rolled back: the platform gets an error answer and delivers it again.
                log.warning("database unavailable handling %s: %s", inbound.event_key, error)
                raise StorageUnavailable(str(error)) from error
            reference = secrets.token_hex(3).upper()
            log.exception("error %s handling %s from %s", reference, inbound.event_key, person.id)
            return [
                Text(
                    "Sorry, something went wrong on my side and nothing was changed. "
                    f"Please try again; if it keeps happening, tell your admin: ref {reference}."
                )
            ]

    async def _claimed(self, uow: UnitOfWork, inbound: Inbound, *, first: bool) -> bool:
        """The turn's event claimed before it runs (`first`); else its writes watched,
        to claim it at the end only if it wrote (see `handle`'s `once`)."""
        if first:
            return await claim_event(uow, inbound.event_key)
        await uow.watch_writes()
        return True

    async def _replayed(self, uow: UnitOfWork, person: Person, inbound: Inbound) -> list[Outbound]:
        log.info("duplicate event %s ignored", inbound.event_key)
        return await self.routes.replay(inbound)(self._turn(person, uow))

    async def _drawn(
        self, person: Person, inbound: Inbound, turn: Turn, queue: QueueReplies | None
    ) -> list[Outbound]:
        """What the turn asked to draw after its commit, sent like its other answers
        (queued in a short transaction of its own)."""
        try:
            drawn = [reply for drawing in turn.drawings for reply in await drawing()]
        except Exception:
            reference = secrets.token_hex(3).upper()
            log.exception("drawing %s for %s failed", reference, inbound.event_key)
            return [
                Text(f"Sorry, I couldn't draw that just now. Please try again; ref {reference}.")
            ]
        if queue is None:
            return drawn
        async with UnitOfWork(self.database, quick=True) as uow:
            rest = await queue_replies(uow, person, inbound, drawn, queue, self.clock, "drawn")
            await uow.commit()
        return rest

    async def _later(
        self, person: Person, inbound: Inbound, work: list[Later], queue: QueueReplies | None
    ) -> list[Outbound]:
        """The turn's work for after its answer: added to the answer where it is not
        queued; else run on its own, its answer queued when it is done."""
        if queue is None:
            done = [
                await self._after_answer(person, inbound, one, None, n)
                for n, one in enumerate(work)
            ]
            return [reply for replies in done for reply in replies]
        for n, one in enumerate(work):
            task = asyncio.create_task(self._after_answer(person, inbound, one, queue, n))
            self._after.add(task)
            task.add_done_callback(self._after.discard)
        return []

    async def _after_answer(
        self, person: Person, inbound: Inbound, work: Later, queue: QueueReplies | None, n: int
    ) -> list[Outbound]:
        try:
            in_transaction = await work()  # the slow part: no transaction open
            async with UnitOfWork(self.database, quick=True) as uow:
                replies = await in_transaction(self._turn(person, uow))
                if queue is not None:  # keyed by the turn's event and the work's place
                    key = ("later", str(n))
                    replies = await queue_replies(
                        uow, person, inbound, replies, queue, self.clock, *key
                    )
                await uow.commit()
            if queue is not None and queue.rung is not None:
                queue.rung()
            return replies
        except Exception:
            # The turn itself is saved and answered; what follows it is missed this once.
            log.exception("work after answering %s failed", person.id)
            return []

    async def settled(self) -> None:
        """Until the work after the answers given so far is done (tests, shutdown)."""
        while self._after:
            await asyncio.wait(set(self._after))

    async def queue_answer(
        self, inbound: Inbound, replies: list[Outbound], queue: QueueReplies
    ) -> list[Outbound]:
        """Queue a turn's answer the platform kept to show in its own answer to the request
        but could not (that answer went out first): in a transaction of its own, under the
        turn's key, so it is queued once however often this is asked. What is not queued
        (or all of it, if even that fails) comes back to be sent at once."""
        person = self.who(inbound.sender)
        if person is None:
            return replies
        return await self._queue_alone(person, inbound, replies, replace(queue, answer_here=None))

    async def _queue_alone(
        self, person: Person, inbound: Inbound, replies: list[Outbound], queue: QueueReplies
    ) -> list[Outbound]:
        """Queue an answer whose turn was rolled back (a UserError's), in its own
        transaction; if even that fails, hand it back to be sent at once."""
        try:
            async with UnitOfWork(self.database, quick=True) as uow:
                await _keep_address(uow, person, inbound)
                rest = await queue_replies(
                    uow, person, inbound, replies, queue, self.clock, answering=True
                )
                await _commit(uow)
                return rest
        except Exception:
            log.warning("could not queue the answer to %s", inbound.event_key, exc_info=True)
            return replies

    async def resume(self, sender: Sender) -> list[Outbound]:
        """What to show someone who comes back: their unfinished step, else a welcome."""
        person = self.who(sender)
        if person is None:
            return [Text(self._stranger_message())]
        async with UnitOfWork(self.database) as uow:
            return await self.routes.welcome_back(self._turn(person, uow))

    async def home(self, sender: Sender) -> list[Card]:
        """The person's home page: their actions, and what waits on them."""
        person = self.who(sender)
        if person is None:
            return [Card(title="Extra Mile", text=self._stranger_message())]
        async with UnitOfWork(self.database) as uow:
            return await self.routes.home_page(self._turn(person, uow))

    def _turn(self, person: Person, uow: UnitOfWork) -> Turn:
        timezone = person.timezone or self.org.organisation.timezone
        return Turn(
            person=person,
            org=self.org,
            uow=uow,
            now=self.clock.now(),
            today=local_today(self.clock, timezone),
        )

    def _stranger_refusal(self) -> str:
        admins = ", ".join(p.name for p in self.org.admins()) or "your manager"
        name = self.org.organisation.name
        return (
            f"Sorry, I can't do that for you: you're not in {name}'s organisation file yet, "
            f"so nothing was changed. Ask {admins} to add you."
        )

    def _stranger_message(self) -> str:
        admins = ", ".join(p.name for p in self.org.admins()) or "your manager"
        return (
            f"Hello! I don't know you yet, so I can't log anything for you. "
            f"Ask {admins} to add you to {self.org.organisation.name}'s organisation file."
        )


async def _commit(uow: UnitOfWork) -> None:
    """Commit the turn, and with it the deletion of the inbox row it was replayed from."""
    replaying = current_row()
    if replaying is not None and not replaying.done:
        await inbox_done(uow, replaying.row_id)
    await uow.commit()
    if replaying is not None:
        replaying.done = True


async def _keep_address(uow: UnitOfWork, person: Person, inbound: Inbound) -> None:
    """Where the sender can be reached, as their message said: saved with the turn."""
    if inbound.address is not None:
        platform = inbound.sender.platform
        await heard_from(uow, person.id, platform, inbound.address.reference)
        if inbound.address.timezone:
            await remember_timezone(uow, person.id, inbound.address.timezone)
