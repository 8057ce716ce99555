"""How long the manager-digest job holds up the event loop: the job for BENCH_MANAGERS
managers (default 30, each with a supervisor and three staff who logged a few actions)
runs on a fresh SQLite database while a ticker task wakes every 5 ms and records the
longest gap between its wake-ups. A request arriving during the job waits that long.

    .venv/bin/python -m bench.digest_loop       (also a section of `make bench`)

Each run is a fresh process, so the first chart also pays matplotlib's import (cold).
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import insert

from app.jobs import run_job
from bot.domain.orgfile import load_organisation
from bot.settings import EXAMPLE_ORG_FILE
from storage.database import open_database
from storage.people import sync_organisation
from storage.tables import ActionRow
from storage.uow import UnitOfWork

AT = datetime(2026, 11, 27, 16, 1, tzinfo=UTC)  # a Friday, just after the digest's time
TICK = 0.005


def digest_org(tmp: Path, managers: int) -> Path:
    data: dict[str, Any] = yaml.safe_load(EXAMPLE_ORG_FILE.read_text(encoding="utf-8"))
    for m in range(managers):
        data["people"].append(
            {"id": f"m{m:02d}", "name": f"Manager {m}", "role": "manager", "slack": f"U9M{m:05d}"}
        )
        data["people"].append(
            {"id": f"s{m:02d}", "name": f"Supervisor {m}", "role": "supervisor",
             "supervisor": f"m{m:02d}", "slack": f"U9S{m:05d}"}
        )  # fmt: skip
        for n in range(3):
            data["people"].append(
                {"id": f"p{m:02d}{n}", "name": f"Person {m} {n}", "role": "staff",
                 "supervisor": f"s{m:02d}", "slack": f"U9P{m:03d}{n:02d}"}
            )  # fmt: skip
    path = tmp / "digest.yml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


MANAGERS = int(os.environ.get("BENCH_MANAGERS", "30"))


async def digest_loop(tmp: Path, managers: int = MANAGERS) -> list[str]:
    """The job for `managers` managers on SQLite; the lines to print."""
    org = load_organisation(digest_org(tmp, managers))
    database = open_database(f"sqlite:///{tmp / 'digest.db'}")
    await database.upgrade()
    async with UnitOfWork(database) as uow:
        await sync_organisation(uow, org)
        await uow.commit()
    offer = org.service_offer[0].id
    rows = []
    for m in range(managers):
        for week in range(8):
            for k in range((m + week) % 5):  # a different trend for each manager
                at = AT - timedelta(days=7 * week + 1, hours=k)
                rows.append(
                    {"person_id": f"p{m:02d}{k % 3}", "occurred_on": at.date(),
                     "customer_need": "Needed a hand", "offer_item_id": offer,
                     "extra": f"Went further {m}-{week}-{k}", "status": "done",
                     "context": "busy", "approach": "initiative", "customer_aware": True,
                     "result": "", "follow_up_asked": 0, "created_at": at, "updated_at": at}
                )  # fmt: skip
    async with database.engine.begin() as connection:
        await connection.execute(insert(ActionRow), rows)

    gaps = [0.0]
    stop = asyncio.Event()

    async def ticker() -> None:
        last = time.perf_counter()
        while not stop.is_set():
            await asyncio.sleep(TICK)
            now = time.perf_counter()
            gaps.append(now - last - TICK)
            last = now

    ticking = asyncio.create_task(ticker())
    started = time.perf_counter()
    try:
        report = await run_job("manager-digest", org=org, database=database, at=AT)
    finally:
        took = time.perf_counter() - started
        stop.set()
        await ticking
        await database.close()
    long = [g for g in gaps if g > 0.05]
    return [
        f"{report}; the job took {took:.2f} s",
        f"event loop held up at most {max(gaps) * 1000:.0f} ms (the ticker's longest gap)",
        f"gaps over 50 ms: {len(long)}, {sum(long):.2f} s in all",
    ]


async def main() -> None:
    print(f"manager-digest for {MANAGERS} managers, a ticker every {TICK * 1000:.0f} ms")
    with tempfile.TemporaryDirectory() as tmp:
        for line in await digest_loop(Path(tmp)):
            print(" ", line)


if __name__ == "__main__":
    asyncio.run(main())
