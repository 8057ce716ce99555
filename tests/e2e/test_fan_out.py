"""Fan-out at scale: hundreds of weekly prompts through the outbox to a fake Slack that
rate-limits now and then; and a fan-out process killed part-way and started again."""

from __future__ import annotations

import asyncio
import itertools
import signal
import socket
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from pytest_aiohttp import AiohttpClient

from adapters.state import RUNTIME
from app.jobs import run_job
from app.runtime import start_runtime
from app.server import create_app
from bot.domain.orgfile import load_organisation
from bot.settings import EXAMPLE_ORG_FILE, Settings
from tests.fakes.fake_slack import SIGNING_SECRET, TOKEN, FakeSlack
from tests.fakes.process import Cli, cli_env
from tests.fakes.settle import outbox_settled_at, server_settled

PEOPLE = 300
MONDAY = datetime.fromisoformat("2026-11-23T09:31:00+00:00")


def big_shop(tmp_path: Path, people: int = PEOPLE) -> Path:
    data: dict[str, Any] = yaml.safe_load(EXAMPLE_ORG_FILE.read_text(encoding="utf-8"))
    data["people"] = [p for p in data["people"] if p["role"] != "staff"]
    for n in range(1, people + 1):
        data["people"].append(
            {
                "id": f"s{n:04d}",
                "name": f"Staff Member {n}",
                "role": "staff",
                "supervisor": "sam" if n % 2 else "priya",
                "slack": f"U0S{n:05d}",
            }
        )
    path = tmp_path / "big.yml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def _delivered(fake: FakeSlack) -> Counter[str]:
    """Prompts delivered per DM channel (the fake keeps only accepted messages)."""
    return Counter(
        channel
        for channel, messages in fake.messages.items()
        for m in messages
        if "Did you go the extra mile this week" in (m.get("text") or "")
    )


async def _until_delivered(fake: FakeSlack, count: int, within: float) -> None:
    await fake.wait_until(lambda: sum(_delivered(fake).values()) >= count, within)


def every(n: int) -> Any:
    counter = itertools.count(1)

    def limit(method: str) -> float | None:
        if method == "chat.postMessage" and next(counter) % n == 0:
            return 1.0  # Retry-After: 1
        return None

    return limit


async def test_hundreds_of_prompts_each_arrive_once_through_429s(
    tmp_path: Path, fake_slack: FakeSlack, aiohttp_client: AiohttpClient
) -> None:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'fan.db'}",
        org_file=big_shop(tmp_path),
        slack_bot_token=TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=fake_slack.api_url,
    )
    fake_slack.rate_limit = every(37)
    client = await aiohttp_client(create_app(settings))
    runtime = client.server.app[RUNTIME]
    report = await run_job("weekly-prompt", org=runtime.org, database=runtime.database, at=MONDAY)
    assert report.startswith(f"sent {PEOPLE}")
    await _until_delivered(fake_slack, PEOPLE, within=60)
    # Nothing left in the outbox that could still be sent (a 429'd prompt waiting to be
    # tried again included): a prompt delivered twice would be at the fake by now.
    await server_settled(client.server.app, within=60)
    delivered = _delivered(fake_slack)
    assert len(delivered) == PEOPLE and set(delivered.values()) == {1}
    limited = [c for c in fake_slack.calls if c.method == "chat.postMessage"]
    assert len(limited) > PEOPLE  # some were answered 429 and tried again


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def test_a_fan_out_killed_part_way_resumes_with_no_duplicates(
    tmp_path: Path, fake_slack: FakeSlack
) -> None:
    org_file = big_shop(tmp_path)
    database = tmp_path / "killed.db"
    settings = Settings(database_url=f"sqlite:///{database}", org_file=org_file)
    runtime = await start_runtime(settings)  # migrates, loads the people
    try:
        report = await run_job(
            "weekly-prompt", org=load_organisation(org_file), database=runtime.database, at=MONDAY
        )
    finally:
        await runtime.close()
    assert report.startswith(f"sent {PEOPLE}")
    fake_slack.delay = 0.01  # slow enough to be killed in the middle
    env = cli_env(
        database,
        EXTRAMILE_ORG_FILE=str(org_file),
        SLACK_BOT_TOKEN=TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake_slack.api_url,
        EXTRAMILE_PORT=str(_free_port()),
        EXTRAMILE_OUTBOX_LEASE_SECONDS="2",
    )

    first = await Cli.start("serve", "--no-scheduler", env=env)
    try:
        await _until_delivered(fake_slack, PEOPLE // 3, within=60)
        first.process.send_signal(signal.SIGKILL)
        await first.process.wait()
    finally:
        if first.process.returncode is None:
            await first.kill()
    part = sum(_delivered(fake_slack).values())
    assert PEOPLE // 3 <= part < PEOPLE, part

    second = await Cli.start("serve", "--no-scheduler", env=env)
    try:
        await _until_delivered(fake_slack, PEOPLE, within=90)
        # Nothing pending in the outbox: the prompts the killed process had claimed were
        # taken up again after their lease and sent (or found sent), so a leftover
        # delivered twice is at the fake by now.
        await outbox_settled_at(int(env["EXTRAMILE_PORT"]))
    finally:
        second.process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(second.process.wait(), 20)
    delivered = _delivered(fake_slack)
    assert len(delivered) == PEOPLE
    assert set(delivered.values()) == {1}, [c for c, n in delivered.items() if n > 1]
