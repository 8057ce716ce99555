"""The dispatcher's rounds (bot.delivery.rounds): the next round is claimed while the
last one's final messages go. A round that finds nothing because the one still going
holds that person's earlier messages must not send the dispatcher to sleep: once that
round ends, its person's later messages are due, and they go at once, not after the
idle poll (one person's burst of replies went at half speed, 200 a round, half a second
asleep between rounds)."""

from __future__ import annotations

import asyncio

from bot.delivery.rounds import run_rounds


async def test_a_round_that_found_nothing_while_another_went_does_not_wait_for_the_poll() -> None:
    first_may_end = asyncio.Event()
    rounds: list[str] = []
    third_started = asyncio.Event()

    async def one(draining: asyncio.Event) -> int:
        n = len(rounds) + 1
        rounds.append(f"round {n}")
        if n == 1:  # a person's 200 messages: all started on their way, still going
            draining.set()
            await first_may_end.wait()
            return 200
        if n == 2:  # that person's next ones wait behind round 1's
            first_may_end.set()
            return 0
        third_started.set()  # round 1 has ended: they are due now
        return 0

    stop, bell = asyncio.Event(), asyncio.Event()
    running = asyncio.create_task(run_rounds(one, stop, bell, idle=60))
    try:
        await asyncio.wait_for(third_started.wait(), 5)  # not the 60 s idle poll
    finally:
        stop.set()
        bell.set()
        await asyncio.wait_for(running, 5)
    assert rounds[:3] == ["round 1", "round 2", "round 3"]


async def test_with_nothing_due_and_nothing_going_it_waits_for_the_bell() -> None:
    calls = 0
    first, second = asyncio.Event(), asyncio.Event()

    async def one(draining: asyncio.Event) -> int:
        nonlocal calls
        calls += 1
        (first if calls == 1 else second).set()
        return 0

    stop, bell = asyncio.Event(), asyncio.Event()
    running = asyncio.create_task(run_rounds(one, stop, bell, idle=60))
    try:
        await asyncio.wait_for(first.wait(), 5)
        for _ in range(20):  # many turns of the loop: still asleep, waiting for the bell
            await asyncio.sleep(0)
        assert calls == 1
        bell.set()  # a request queued an answer
        await asyncio.wait_for(second.wait(), 5)
    finally:
        stop.set()
        bell.set()
        await asyncio.wait_for(running, 5)
