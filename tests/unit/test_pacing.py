"""The platform gate: a 429 stops every sender for Retry-After, then calls go at a
little under the pace that got through before it, evenly spaced."""

from __future__ import annotations

import itertools
import time

import pytest
from pytest_mock import MockerFixture

from bot.delivery import pacing
from bot.delivery.pacing import Gate


async def test_a_gate_that_was_never_limited_lets_everyone_straight_through() -> None:
    gate = Gate()
    started = time.monotonic()
    for _ in range(100):
        await gate.wait_turn()
        gate.passed()
    assert time.monotonic() - started < 0.1


async def test_after_a_429_everyone_waits_then_goes_at_the_pace_that_got_through() -> None:
    gate = Gate()
    for _ in range(40):  # 40 got through in the last second ...
        await gate.wait_turn()
        gate.passed()
    gate.limited(0.3)  # ... then Slack said 429, Retry-After 0.3 s
    started = time.monotonic()
    times = []
    for _ in range(10):
        await gate.wait_turn()
        gate.passed()
        times.append(time.monotonic() - started)
    assert times[0] >= 0.3  # nobody called during the pause
    gaps = [b - a for a, b in itertools.pairwise(times)]
    expected = 1 / (40 * pacing.SHARE)  # 36 a second
    assert all(gap >= expected * 0.8 for gap in gaps), gaps
    assert times[-1] - times[0] == pytest.approx(9 * expected, rel=0.3)


async def test_pacing_is_forgotten_after_a_quiet_spell(mocker: MockerFixture) -> None:
    clock = mocker.Mock(return_value=1000.0)
    gate = Gate(clock=clock)
    for _ in range(5):
        gate.passed()
    gate.limited(0.0)
    clock.return_value = 1000.0 + pacing.FORGET_AFTER + 1
    started = time.perf_counter()
    for _ in range(20):  # at 4.5 a second these would take four seconds
        await gate.wait_turn()
    assert time.perf_counter() - started < 0.1
