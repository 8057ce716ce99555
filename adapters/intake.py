"""The inbox on the HTTP server (bot.intake): the worker that replays what the routes
wrote, shared by the platforms, each of which registers its replay by platform name."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from aiohttp import web

from bot.intake import Arrival, InboxWorker

log = logging.getLogger(__name__)

# Present when the inbox is on (EXTRAMILE_INBOX): the routes write to `worker.inbox`,
# ring `worker.bell`, and register their replay in `worker.handlers`.
INBOX = web.AppKey("inbox", InboxWorker)
BUSY = 4  # requests waiting for their turns, past which the next is acknowledged at once


def inbox_of(app: web.Application) -> InboxWorker | None:
    return app.get(INBOX)


async def write(worker: InboxWorker, arrival: Arrival, *, wait: float = 0.0) -> None:
    """Durable when this returns (one group commit with whatever arrived meanwhile); the
    worker is woken to replay it. With `wait`, for up to that many seconds for its turn
    too, unless BUSY others already wait (a key seen before is not waited for)."""
    # Busy (others already wait for their turns): acknowledged once written.
    done = worker.expect(arrival.key) if wait > 0 and worker.waiting_for < BUSY else None
    try:
        written = await worker.inbox.put(arrival)
        worker.bell.set()
        if done is not None and written:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(done), wait)
    finally:
        if done is not None:
            worker.forget(arrival.key)


async def written(worker: InboxWorker, arrival: Arrival, *, wait: float = 0.0) -> bool:
    """`write`, or False when the database is away (logged): the request is then handled
    as it would be without an inbox, and fails or succeeds there in the person's sight."""
    try:
        await write(worker, arrival, wait=wait)
    except Exception as error:
        log.warning("could not write a %s request to the inbox: %s", arrival.platform, error)
        return False
    return True
