"""How the workers behind the requests (the inbox's turns, the outbox's sends) wait.

Acknowledgements first: while requests are arriving they wait, up to a bound each round,
so a burst is acknowledged at the speed of writing it down and its turns and answers
follow just after; under steady load the bound keeps them going. With nothing to do they
sleep until rung (a request wrote work down) or the poll comes round."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

TICK = 0.005  # seconds between looks at whether requests are still arriving


async def make_way(busy: Callable[[], bool], patience: float) -> None:
    """While `busy()` says requests are arriving, for up to `patience` seconds."""
    waited = 0.0
    while waited < patience and busy():
        await asyncio.sleep(TICK)
        waited += TICK


async def until_rung(bell: asyncio.Event, stop: asyncio.Event, idle: float) -> None:
    """Asleep until `bell` (work was written), `stop`, or `idle` seconds (the poll)."""
    rung = asyncio.ensure_future(bell.wait())
    stopped = asyncio.ensure_future(stop.wait())
    await asyncio.wait({rung, stopped}, timeout=idle, return_when=asyncio.FIRST_COMPLETED)
    rung.cancel()
    stopped.cancel()
