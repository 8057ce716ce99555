"""Work a platform does not wait for: what follows the answer to its request (Slack's ack,
Teams' invoke response). Kept until done, so that shutdown and tests can wait for it
(`drain`), and logged if it fails, since nobody awaits it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

log = logging.getLogger(__name__)


class Background:
    """`later(work)` runs `work` as a task of its own; `drain()` waits for every one."""

    def __init__(self, what: str, *, first: Callable[[], Awaitable[None]] | None = None) -> None:
        self._what = what  # for the log: whose work failed
        self._pending: set[asyncio.Task[None]] = set()
        # Work that comes before this work (the inbox's replays, bot.intake): drained first.
        self.first = first

    def later(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(self._logged(work))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def _logged(self, work: Coroutine[Any, Any, None]) -> None:
        try:
            await work
        except Exception:
            log.exception("%s failed after the platform had its answer", self._what)

    async def drain(self, *, first: bool = True) -> None:
        """Wait for the work still running (on shutdown, and in tests), including any it
        started meanwhile; and, unless `first` is False, for `first` before it."""
        if first and self.first is not None:
            await self.first()
        while self._pending:
            await asyncio.gather(*list(self._pending), return_exceptions=True)
