"""How fast to call a platform: stop when it says 429, then keep to the pace it allowed.

Without pacing, a big fan-out goes at full speed into the limit, and every 429 costs
a whole Retry-After of silence. With it, the dispatcher counts what got through in
the second before the 429 and sends a little under that (SHARE), evenly: the limit is
met rather than hit. Retry-After is always honoured, by every sender (one already
given a turn in the pace included: it waits for the pause, then takes a new one). Then:
- No second holds more calls than the pace, counted when they go, and no two go closer
  together than most of the even spacing: a sender that fell behind catches up a
  little, and the senders a stall held up do not all go at once, some of them into the
  platform's next second (where they would be counted with all of that second's).
- A 429 within a second of resuming (not within half a second: that says nothing of
  the pace) means the count was too generous (a burst from idle can straddle two of
  the platform's windows and count both): the pace becomes what got through since.
  Within PROVEN seconds (longer than any window the platform counts in), a step lower.
- A 429 after the pace has been kept for PROVEN seconds is a hiccup, not a lower limit:
  the pause, and the same pace. If less than the pace got through (the senders were
  slower), that is the new count.
Pacing is forgotten after a quiet spell without 429s.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field

SHARE = 0.99  # of the rate seen before the 429
STEP_DOWN = 0.95  # a 429 while pacing, with nothing better to go on
TOO_SOON = 0.5  # seconds after resuming: a 429 then says nothing about the pace
PROVEN = 2.0  # seconds at a pace without a 429: the limit allows it
CATCH_UP = 0.25  # seconds: how far behind its even pace a sender may catch up
SPREAD = 0.6  # of the even spacing, at least, between two calls (catching up included)
FORGET_AFTER = 300.0  # seconds without a 429


@dataclass
class Gate:
    """One platform's door: `wait_turn` before each call, then `passed` or `limited`."""

    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    _paused_until: float = 0.0
    _resumed_at: float = -math.inf  # when calls last started again after a pause
    _passed: deque[float] = field(default_factory=deque)  # answer times, the last second
    _pace: int | None = None  # calls a second while pacing
    _next_slot: float = 0.0
    _calls: deque[float] = field(default_factory=deque)  # call times while pacing, 1 s
    _limited_at: float = 0.0

    @property
    def pace(self) -> int | None:
        """Calls a second allowed now (None: as fast as they come)."""
        if self._pace is not None and self.clock() - self._limited_at > FORGET_AFTER:
            self._pace = None
        return self._pace

    async def wait_turn(self) -> None:
        while True:
            # A loop, not one sleep: another sender may extend the pause meanwhile.
            while (wait := self._paused_until - self.clock()) > 0:
                await self.sleep(wait)
            pace = self.pace
            if pace is None or await self._turn(pace):
                return

    async def _turn(self, pace: int) -> bool:
        """Wait for a turn at `pace`; False if a 429 came meanwhile (wait out its pause)."""
        # Evenly spaced, a sender that fell behind catching up a little ...
        now = self.clock()
        slot = max(now - CATCH_UP, self._next_slot)
        self._next_slot = slot + 1.0 / pace
        if slot > now:
            await self.sleep(slot - now)
        # ... but never more than `pace` calls in any second, counted when they go.
        calls = self._calls
        while True:
            now = self.clock()
            if now < self._paused_until:
                return False
            while calls and calls[0] <= now - 1.0:
                calls.popleft()
            wait = calls[-1] + SPREAD / pace - now if calls else 0.0
            if len(calls) >= pace:
                wait = max(wait, calls[-pace] + 1.0 - now)
            if wait <= 0:
                calls.append(now)
                return True
            await self.sleep(wait)

    def passed(self) -> None:
        now = self.clock()
        self._passed.append(now)
        while self._passed and self._passed[0] < now - 1.0:
            self._passed.popleft()

    def limited(self, retry_after: float) -> None:
        """The platform said 429: nobody calls it for `retry_after` seconds, then at the
        pace that got through just before."""
        now = self.clock()
        if now < self._paused_until:
            # Another call of the same burst: the pause is on and the pace set.
            self._paused_until = max(self._paused_until, now + retry_after)
            self._resumed_at = self._next_slot = self._paused_until
            return
        since = max(now - 1.0, self._resumed_at)
        recent = sum(1 for t in self._passed if t >= since)
        pace = _new_pace(self.pace, recent, now - self._resumed_at)
        if pace is not None:
            if pace != self._pace:
                self._calls.clear()
            self._pace = pace
            self._limited_at = now
        self._paused_until = max(self._paused_until, now + retry_after)
        self._resumed_at = self._next_slot = self._paused_until


def _new_pace(pace: int | None, recent: int, steady: float) -> int | None:
    """The pace after a 429, from the pace before it, how many got through in the second
    before it (or since sending resumed, if later) and how long ago that was."""
    if pace is None:  # the first: a little under what got through
        return max(1, int(recent * SHARE)) if recent else None
    if steady < TOO_SOON:
        # Calls of the burst before the pause, or a limit that counts calls, not time.
        return pace
    if steady < 1.0:  # the platform's second filled since sending resumed
        return max(1, int(min(pace, recent) * SHARE)) if recent else pace
    if steady < PROVEN:  # the pace was a little too fast
        return max(1, int(min(recent, pace * STEP_DOWN) * SHARE)) if recent else pace
    if recent >= int(pace * SHARE):
        # The pace was kept, and held for longer than any window of the platform's: a
        # hiccup (a stall bunched some calls), not a limit lower than thought.
        return pace
    return max(1, int(recent * SHARE)) if recent else pace  # the senders were slower


def within(gates: Iterable[Gate], most: int, seconds: float) -> int:
    """How many of `most` calls the slowest paced gate lets through in `seconds`."""
    paces = [pace for gate in gates if (pace := gate.pace) is not None]
    return max(1, min(most, int(min(paces) * seconds))) if paces else most
