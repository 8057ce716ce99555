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


class Time:
    """A clock the gate reads and a sleep that moves it on, nothing waiting for real."""

    def __init__(self, mocker: MockerFixture) -> None:
        self.now = 1000.0
        self.clock = mocker.Mock(side_effect=lambda: self.now)
        self.sleep = mocker.AsyncMock(side_effect=self._advance)

    async def _advance(self, seconds: float) -> None:
        self.now += max(seconds, 0.0)

    def gate(self) -> Gate:
        return Gate(clock=self.clock, sleep=self.sleep)

    async def send(self, gate: Gate, count: int, *, every: float = 0.0) -> list[float]:
        """`count` calls one after another (each `every` seconds after the last went):
        when each went."""
        went = []
        for _ in range(count):
            await gate.wait_turn()
            went.append(self.now)
            gate.passed()
            self.now += every
        return went


def most_in_a_second(times: list[float]) -> int:
    return max(sum(1 for t in times if start <= t < start + 1.0) for start in times)


async def test_no_second_holds_more_calls_than_the_pace(mocker: MockerFixture) -> None:
    time_ = Time(mocker)
    gate = time_.gate()
    await time_.send(gate, 100, every=0.004)  # 100 through in 0.4 s, then a 429
    gate.limited(1.0)
    assert gate.pace == int(100 * pacing.SHARE)
    went = await time_.send(gate, 500)
    assert went[0] >= 1000.4 + 1.0  # the Retry-After was honoured
    assert most_in_a_second(went) <= gate.pace


async def test_senders_a_stall_held_up_do_not_go_all_at_once(mocker: MockerFixture) -> None:
    time_ = Time(mocker)
    gate = time_.gate()
    await time_.send(gate, 100, every=0.004)
    gate.limited(1.0)
    pace = gate.pace
    assert pace is not None
    went = await time_.send(gate, 50)
    time_.now += 0.5  # the process stalled half a second
    went += await time_.send(gate, 200)
    gaps = [b - a for a, b in itertools.pairwise(went)]
    assert min(gaps) >= pacing.SPREAD / pace - 1e-9
    assert most_in_a_second(went) <= pace


async def test_a_429_soon_after_resuming_sets_the_pace_to_what_got_through(
    mocker: MockerFixture,
) -> None:
    time_ = Time(mocker)
    gate = time_.gate()
    # A burst from idle across two of the platform's seconds: 300 counted, 200 allowed.
    await time_.send(gate, 300, every=0.001)
    gate.limited(1.0)
    assert gate.pace == int(300 * pacing.SHARE)
    # Resumed at that pace, 200 more got through in 0.7 s before the next 429.
    time_.now += 1.0
    await time_.send(gate, 200)
    assert time_.now - 1001.3 < 1.0
    gate.limited(1.0)
    assert gate.pace == int(200 * pacing.SHARE)


async def test_a_429_after_the_pace_held_is_a_hiccup(mocker: MockerFixture) -> None:
    time_ = Time(mocker)
    gate = time_.gate()
    await time_.send(gate, 200, every=0.001)
    gate.limited(1.0)
    pace = gate.pace
    time_.now += 1.0
    await time_.send(gate, 3 * (pace or 0))  # three seconds at the pace ...
    at = time_.now
    gate.limited(1.0)  # ... then one 429 (a stall bunched a few calls)
    assert gate.pace == pace
    went = await time_.send(gate, 1)
    assert went[0] >= at + 1.0


async def test_a_429_while_pacing_with_fewer_through_lowers_the_pace(
    mocker: MockerFixture,
) -> None:
    time_ = Time(mocker)
    gate = time_.gate()
    await time_.send(gate, 200, every=0.001)
    gate.limited(1.0)
    time_.now += 1.0
    await time_.send(gate, 300, every=0.01)  # the senders managed 100 a second
    gate.limited(1.0)
    assert gate.pace == int(100 * pacing.SHARE)


async def test_the_calls_of_one_burst_pause_once(mocker: MockerFixture) -> None:
    time_ = Time(mocker)
    gate = time_.gate()
    await time_.send(gate, 200, every=0.001)
    gate.limited(1.0)
    pace = gate.pace
    for _ in range(20):  # the others in flight, refused too
        time_.now += 0.001
        gate.limited(1.0)
    assert gate.pace == pace
    went = await time_.send(gate, 1)
    assert went[0] >= time_.now - 0.001 and went[0] >= 1000.2 + 1.0
