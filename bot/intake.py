"""The durable inbox: a request is written down (with its key) before it is acknowledged,
and its turn runs afterwards, from the written copy.

The platform's route checks the request (signature, token, workspace, shape), hands
`Arrival`s to `Inbox.put`, which writes concurrent arrivals in one transaction (group
commit), and answers at once. `InboxWorker` takes the rows in order of arrival and
replays each through the platform's own handler (bolt, botbuilder) and the engine; the
engine deletes the row in the turn's own transaction (`current_row`), so a turn is
either done and its row gone, or not done and its row still there. A crash between the
acknowledgement and the turn loses nothing: the rows are taken up again at start (or,
on PostgreSQL, by another worker once their lease runs out). A key seen before is not
written twice; the engine's event key makes a replayed row count once.

storage.inbox implements the port; the adapters hold the handlers.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import partial
from typing import Protocol

from bot.domain.arrivals import Arrival, Received
from bot.make_way import make_way, until_rung

log = logging.getLogger(__name__)

__all__ = ["Arrival", "Inbox", "InboxWorker", "Received", "current_row"]

MAX_ATTEMPTS = 5  # a row whose replay keeps failing is given up (Slack retries 3 times)


@dataclass(slots=True)
class Replaying:
    """The row being replayed; `done` once a transaction that deleted it committed."""

    row_id: int
    done: bool = False


# Set by the worker while a row is replayed: the engine deletes the row in its turn.
REPLAYING: ContextVar[Replaying | None] = ContextVar("extramile_replaying", default=None)


def current_row() -> Replaying | None:
    return REPLAYING.get()


class Inbox(Protocol):
    async def put(self, arrival: Arrival) -> bool:
        """Written durably (with whatever else arrived meanwhile) when this returns; a
        key already there is not written again (False)."""
        ...

    async def claim(self, limit: int) -> list[Received]:
        """Up to `limit` rows nobody holds, oldest first, leased to this worker."""
        ...

    async def finish(self, row_id: int) -> None:
        """The row's work is done (or there was none): delete it."""
        ...

    async def again_later(self, row_id: int, seconds: float) -> None:
        """Its replay failed (the database was away, say): retry after `seconds`."""
        ...

    async def waiting(self) -> int:
        """How many rows are waiting (claimed or not)."""
        ...

    async def release_all_if_alone(self) -> None:
        """At start: free the rows a dead process of this (only) server held."""
        ...


# A platform's replay: True if the request's work is done, False to try again later.
Handler = Callable[[Arrival], Awaitable[bool]]


@dataclass
class InboxWorker:
    """Replays the inbox's rows through their platform's handler, `concurrency` at a
    time, one person's (one lane's) in order. Woken by `bell` when a request is written;
    polls every `poll` seconds for rows another process wrote or whose lease ran out."""

    inbox: Inbox
    handlers: dict[str, Handler] = field(default_factory=dict)
    bell: asyncio.Event = field(default_factory=asyncio.Event)
    concurrency: int = 16
    poll: float = 1.0
    # Whether requests are arriving (the acknowledgements' route is busy): the turns
    # make way for them, up to `patience` seconds a round, so a burst is acknowledged
    # at the speed of writing it down and replayed just after.
    busy: Callable[[], bool] = field(default=lambda: False)
    patience: float = 0.1
    _running: dict[int, asyncio.Task[None]] = field(default_factory=dict, init=False)
    _lanes: dict[str, asyncio.Task[None]] = field(default_factory=dict, init=False)
    _idle: asyncio.Event = field(default_factory=asyncio.Event, init=False)
    _expected: dict[str, asyncio.Future[None]] = field(default_factory=dict, init=False)

    @property
    def waiting_for(self) -> int:
        """How many requests wait for their turns (`expect`)."""
        return len(self._expected)

    def expect(self, key: str) -> asyncio.Future[None]:
        """Resolved once this worker has replayed the row with `key` (done or not)."""
        future = self._expected.get(key)
        if future is None:
            future = self._expected[key] = asyncio.get_running_loop().create_future()
        return future

    def forget(self, key: str) -> None:
        """Nobody waits for `key` any more."""
        self._expected.pop(key, None)

    async def run_forever(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            self.bell.clear()
            taken = await self._round()
            if taken:
                continue
            self._idle.set()
            await until_rung(self.bell, stop, self.poll)
            self._idle.clear()
        if self._running:
            await asyncio.wait(list(self._running.values()), timeout=10)

    async def _round(self) -> int:
        await make_way(self.busy, self.patience)
        room = self.concurrency - len(self._running)
        if room <= 0:
            await asyncio.wait(list(self._running.values()), return_when=asyncio.FIRST_COMPLETED)
            return 1
        try:
            rows = await self.inbox.claim(room)
        except Exception as error:
            log.warning("cannot read the inbox just now: %s", error)
            await asyncio.sleep(self.poll)
            return 0
        for row in rows:
            lane = row.arrival.lane
            after = self._lanes.get(lane) if lane else None
            task = asyncio.ensure_future(self._one(row, after))
            self._running[row.id] = task
            if lane:
                self._lanes[lane] = task
            task.add_done_callback(partial(self._forget, row))
        return len(rows)

    def _forget(self, row: Received, _task: object = None) -> None:
        task = self._running.pop(row.id, None)
        lane = row.arrival.lane
        if lane and self._lanes.get(lane) is task:
            del self._lanes[lane]

    async def _one(self, row: Received, after: asyncio.Task[None] | None) -> None:
        if after is not None:
            await asyncio.wait({after})  # the same person's earlier request first
        replaying = Replaying(row.id)
        token = REPLAYING.set(replaying)
        try:
            handler = self.handlers.get(row.arrival.platform)
            done = handler is None or await handler(row.arrival)
        except Exception:
            log.exception("replaying %s from the inbox failed", row.arrival.key)
            done = False
        finally:
            REPLAYING.reset(token)
        try:
            if done or row.attempts + 1 >= MAX_ATTEMPTS:
                if not done:
                    log.error("gave up on %s after %d attempts", row.arrival.key, MAX_ATTEMPTS)
                if not replaying.done:
                    await self.inbox.finish(row.id)
            else:
                await self.inbox.again_later(row.id, min(2.0**row.attempts, 60.0))
        except Exception as error:  # the lease runs out and the row is taken up again
            log.warning("could not record %s's replay: %s", row.arrival.key, error)
        waiting = self._expected.pop(row.arrival.key, None)
        if waiting is not None and not waiting.done():
            waiting.set_result(None)

    async def drain(self, within: float = 30.0) -> None:
        """Until the inbox is empty and nothing is being replayed (tests, shutdown)."""
        async with asyncio.timeout(within):
            while True:
                if self._running:
                    await asyncio.wait(list(self._running.values()))
                    continue
                self.bell.set()
                self._idle.clear()
                await self._idle.wait()
                if not self._running and await self.inbox.waiting() == 0:
                    return
