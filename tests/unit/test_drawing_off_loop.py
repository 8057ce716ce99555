"""The digest job draws its charts off the event loop: requests are served meanwhile."""

from __future__ import annotations

import asyncio
import gc
import os
import signal
import time
from collections.abc import Awaitable
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import pytest
import yaml
from sqlmodel import select

import bot.features.digest.report
from app.jobs import run_job
from bot.domain.orgfile import load_organisation
from bot.reports.attachments import draw
from bot.reports.chart import trend_png
from bot.settings import EXAMPLE_ORG_FILE
from storage.database import Database
from storage.people import sync_organisation
from storage.tables import BlobRow, OutboxRow
from storage.uow import UnitOfWork

T = TypeVar("T")
FRIDAY = datetime.fromisoformat("2026-11-27T16:01:00+00:00")  # just after the digest's time
DRAWING = 0.4  # seconds each chart takes to draw below
TICK = 0.005


def slow_trend_png(labels: list[str], counts: list[int], title: str) -> bytes:
    """The real chart, as slowly as a cold server draws it. Module-level: the drawing
    process imports it by name."""
    time.sleep(DRAWING)
    return trend_png(labels, counts, title)


async def _longest_stall(work: Awaitable[T]) -> tuple[T, float]:
    """`work`'s result, and the longest the event loop went unserved while it ran: a
    ticker that asks to wake every 5 ms measures how late each wake-up comes."""
    stalls = [0.0]
    done = asyncio.Event()

    async def ticker() -> None:
        last = time.perf_counter()
        while not done.is_set():
            await asyncio.sleep(TICK)
            now = time.perf_counter()
            stalls.append(now - last - TICK)
            last = now

    ticking = asyncio.create_task(ticker())
    try:
        result = await work
    finally:
        done.set()
        await ticking
    return result, max(stalls)


async def test_the_digest_job_draws_off_the_event_loop(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data: dict[str, Any] = yaml.safe_load(EXAMPLE_ORG_FILE.read_text(encoding="utf-8"))
    for n in range(4):  # four more managers: five digests, five charts
        data["people"].append(
            {"id": f"boss{n}", "name": f"Boss {n}", "role": "manager", "slack": f"U0BOSS{n:02d}"}
        )
    path = tmp_path / "org.yml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    org = load_organisation(path)
    async with UnitOfWork(database) as uow:
        await sync_organisation(uow, org)
        await uow.commit()
    monkeypatch.setattr(bot.features.digest.report, "trend_png", slow_trend_png)

    # The garbage earlier tests left is collected now, not in the middle of the job: a
    # full collection of a suite's worth of objects is a stall, but not the job's.
    gc.collect()
    started = time.perf_counter()
    report, stall = await _longest_stall(
        run_job("manager-digest", org=org, database=database, at=FRIDAY)
    )
    took = time.perf_counter() - started

    assert report.startswith("sent 5")
    assert took >= 5 * DRAWING  # the slow charts were drawn...
    assert stall < DRAWING / 2  # ...and no drawing held up the loop
    async with UnitOfWork(database) as uow:
        rows = (await uow.session.exec(select(OutboxRow))).all()
        [chart] = (await uow.session.exec(select(BlobRow))).all()  # no one logged: same chart
    assert len(rows) == 5
    assert chart.data.startswith(b"\x89PNG") and chart.mime == "image/png"


async def test_a_drawing_process_that_dies_is_replaced() -> None:
    first = await draw(os.getpid)
    assert first != os.getpid()  # drawn in a process of its own
    os.kill(first, signal.SIGKILL)  # as the out-of-memory killer would
    second = await draw(os.getpid)
    assert second not in (first, os.getpid())
    assert (await draw(trend_png, ["01 Nov"], [2], "t")).startswith(b"\x89PNG")
