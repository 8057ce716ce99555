"""Acknowledgements first: the work behind the requests (the inbox's turns, the outbox's
sends) waits while requests are arriving, up to a bound each round, so a burst is
acknowledged at the speed of writing it down and its turns and answers follow just after.
Under steady load the bound keeps them going."""

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
