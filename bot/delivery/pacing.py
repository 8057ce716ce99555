"""How fast to call a platform: stop when it says 429, then keep to the pace it allowed.

Without pacing, a big fan-out goes at full speed into the limit, and every 429 costs
a whole Retry-After of silence. With it, the dispatcher counts what got through in
the second before the 429 and sends a little under that (95%), evenly: the limit is met
rather than hit. Pacing is forgotten after a quiet spell without 429s.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

SHARE = 0.95  # of the rate seen before the 429
FORGET_AFTER = 300.0  # seconds without a 429


@dataclass
class Gate:
    """One platform's door: `wait_turn` before each call, then `passed` or `limited`."""

    clock: Callable[[], float] = time.monotonic
    _paused_until: float = 0.0
    _passed: deque[float] = field(default_factory=deque)  # send times, the last second
    _interval: float | None = None  # seconds between calls while pacing
    _next_slot: float = 0.0
    _limited_at: float = 0.0

    async def wait_turn(self) -> None:
        # A loop, not one sleep: another sender may extend the pause meanwhile.
        while (wait := self._paused_until - self.clock()) > 0:  # noqa: ASYNC110
            await asyncio.sleep(wait)
        if self._interval is None:
            return
        now = self.clock()
        if now - self._limited_at > FORGET_AFTER:
            self._interval = None
            return
        slot = max(now, self._next_slot)
        self._next_slot = slot + self._interval
        if slot > now:
            await asyncio.sleep(slot - now)

    def passed(self) -> None:
        now = self.clock()
        self._passed.append(now)
        while self._passed and self._passed[0] < now - 1.0:
            self._passed.popleft()

    def limited(self, retry_after: float) -> None:
        """The platform said 429: nobody calls it for `retry_after` seconds, then at the
        pace that got through just before."""
        now = self.clock()
        self._paused_until = max(self._paused_until, now + retry_after)
        recent = sum(1 for t in self._passed if t > now - 1.0)
        if recent:
            self._interval = 1.0 / (recent * SHARE)
            self._limited_at = now
            self._next_slot = self._paused_until
