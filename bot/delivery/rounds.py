"""The dispatcher's rounds, one after another, the next claimed as the last one ends.

A round claims a batch and sends it. Waiting for a whole round before claiming the
next would leave the platform idle between rounds (the claim, the marks): at 200
messages a second, a pause of a few hundredths of a second every second. So the next
round is claimed once every message of the current one has started on its way (its
own messages queue behind them at the platform's gate), and never more than two are
under way at once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from bot.make_way import until_rung

log = logging.getLogger(__name__)

# One round: sets the event once its last messages are on their way; returns how many
# messages it attempted.
Round = Callable[[asyncio.Event], Awaitable[int]]


async def run_rounds(one: Round, stop: asyncio.Event, bell: asyncio.Event, idle: float) -> None:
    """Rounds until `stop`; when one finds nothing due, wait for the bell (a request
    queued an answer) or `idle` seconds."""
    tail: asyncio.Future[int] | None = None  # a round whose last messages are going
    try:
        while not stop.is_set():
            bell.clear()
            draining = asyncio.Event()
            current = asyncio.ensure_future(_logged(one, draining))
            drained = asyncio.ensure_future(draining.wait())
            await asyncio.wait({current, drained}, return_when="FIRST_COMPLETED")
            drained.cancel()
            went_on = tail is not None
            if tail is not None:
                await tail  # never more than two rounds at once
                tail = None
            if not current.done():
                tail = current
            elif current.result() == 0 and not went_on:
                # Nothing due, and no round was going: asleep until the bell or the
                # poll. (With one going, what it held back is due once it ends.)
                await until_rung(bell, stop, idle)
    except BaseException:
        if tail is not None:
            tail.cancel()
        raise
    if tail is not None:
        await tail


async def _logged(one: Round, draining: asyncio.Event) -> int:
    try:
        return await one(draining)
    except Exception:
        log.exception("outbox dispatcher round failed; trying again shortly")
        return 0
