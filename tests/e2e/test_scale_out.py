"""Scale-out: two `extramile serve --no-scheduler` processes and one `extramile scheduler`
on one PostgreSQL. Clicks are spread over both servers and both outbox dispatchers
drain the same outbox: each approval is decided once, and the scheduler's fan-out
reaches everyone exactly once."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
from sqlmodel import select

from app.runtime import start_runtime
from bot.settings import Settings
from storage.tables import AuditLogRow, FeasibilityRequestRow, OutboxRow
from storage.uow import UnitOfWork
from tests.conftest import POSTGRES_ENV, _drop_postgres, _fresh_postgres
from tests.conversations.test_approvals import propose
from tests.e2e.test_fan_out import big_shop
from tests.e2e.test_kill_during_approval import _post_click, _posts, _ready
from tests.fakes.fake_slack import SIGNING_SECRET, TOKEN, FakeSlack
from tests.fakes.process import Cli, cli_env
from tests.fakes.settle import outbox_settled_at
from tests.fakes.slack_harness import SlackDriver, all_text

pytestmark = pytest.mark.skipif(
    not os.environ.get(POSTGRES_ENV), reason=f"needs PostgreSQL: set {POSTGRES_ENV} (CI sets it)"
)

PEOPLE = 200
REQUESTS = 6
PROMPTED = PEOPLE - REQUESTS  # those who proposed have logged this week: not prompted
PROMPT = "Did you go the extra mile this week"


def _shop_prompting_now(tmp_path: Path) -> Path:
    """The big shop, with its weekly prompt due half an hour ago (local time), so the
    scheduler's start-up catch-up sends it."""
    path = big_shop(tmp_path, PEOPLE)
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    due = datetime.now(ZoneInfo(data["organisation"]["timezone"])) - timedelta(minutes=30)
    data["schedule"]["weekly_prompt"] = f"{due:%a} {due:%H:%M}".lower()
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def _free_ports(count: int) -> list[int]:
    """Distinct free ports: all bound at once, so the system cannot hand one out twice."""
    with contextlib.ExitStack() as stack:
        sockets = [stack.enter_context(socket.socket()) for _ in range(count)]
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]


def _prompts(fake: FakeSlack) -> Counter[str]:
    return Counter(
        channel
        for channel, messages in fake.messages.items()
        for m in messages
        if PROMPT in (m.get("text") or "")
    )


@pytest.mark.timeout(240)
async def test_two_servers_and_a_scheduler_decide_once_and_fan_out_once(
    tmp_path: Path, fake_slack: FakeSlack
) -> None:
    url, name = await _fresh_postgres(os.environ[POSTGRES_ENV])
    org_file = _shop_prompting_now(tmp_path)
    settings = Settings(database_url=url, org_file=org_file)
    runtime = await start_runtime(settings)  # migrates; the staff propose before the servers start
    try:
        for n in range(1, REQUESTS + 1):
            await propose(runtime.engine, person=f"s{2 * n - 1:04d}")  # odd ones report to Sam
    finally:
        await runtime.close()

    ports = _free_ports(2)
    env = cli_env(
        tmp_path / "unused.db",
        EXTRAMILE_DATABASE_URL=url,
        EXTRAMILE_ORG_FILE=str(org_file),
        SLACK_BOT_TOKEN=TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake_slack.api_url,
        EXTRAMILE_OUTBOX_LEASE_SECONDS="5",
    )
    servers = [
        await Cli.start("serve", "--no-scheduler", env=env | {"EXTRAMILE_PORT": str(port)})
        for port in ports
    ]
    jobs: Cli | None = None
    try:
        for port, server in zip(ports, servers, strict=True):
            try:
                await _ready(port)
            except TimeoutError:
                if server.process.returncode is None:
                    server.process.kill()
                output = await server.process.stdout.read()  # type: ignore[union-attr]
                raise AssertionError(output.decode()[-3000:]) from None
        # Sam's cards come through whichever dispatcher claimed them.
        await fake_slack.wait_until(
            lambda: len(_posts(fake_slack, "D0SAM001", "asks to spend")) >= REQUESTS, 30
        )
        cards = _posts(fake_slack, "D0SAM001", "asks to spend")
        assert len(cards) == REQUESTS

        jobs = await Cli.start("scheduler", env=env)
        driver = SlackDriver(client=None, fake=fake_slack)  # type: ignore[arg-type]
        # Each card is clicked twice at once, once on each server (a double click from
        # two devices); the clicks differ, so neither is a retry of the other.
        clicks = [
            _post_click(port, driver.click_payload("U0SAM001", card, "Approve", "D0SAM001"))
            for card in cards
            for port in ports
        ]
        assert set(await asyncio.gather(*clicks)) == {200}

        await fake_slack.wait_until(lambda: sum(_prompts(fake_slack).values()) >= PROMPTED, 90)
        await fake_slack.wait_until(
            lambda: len(_posts(fake_slack, "D0S00001", "approved your idea")) >= 1, 30
        )
        # Nothing pending in the shared outbox: every message either dispatcher claimed
        # is marked sent, so none can be claimed again; a send still going after its
        # lease ran out finishes as the servers stop below, before the assertions.
        await outbox_settled_at(ports[0])
    finally:
        for process in [*servers, *([jobs] if jobs else [])]:
            if process.process.returncode is None:  # one that died early is skipped
                process.process.send_signal(signal.SIGTERM)
        for process in [*servers, *([jobs] if jobs else [])]:
            await asyncio.wait_for(process.process.wait(), 20)

    prompts = _prompts(fake_slack)
    assert len(prompts) == PROMPTED and set(prompts.values()) == {1}
    proposers = {f"D0S{2 * n - 1:05d}" for n in range(1, REQUESTS + 1)}
    assert not proposers & set(prompts)  # they logged this week: no prompt

    runtime = await start_runtime(settings)
    try:
        async with UnitOfWork(runtime.database) as uow:
            requests = (await uow.session.exec(select(FeasibilityRequestRow))).all()
            audit = (await uow.session.exec(select(AuditLogRow))).all()
            outbox = (await uow.session.exec(select(OutboxRow))).all()
    finally:
        await runtime.close()
        await _drop_postgres(os.environ[POSTGRES_ENV], name)
    assert [r.status for r in requests] == ["approved"] * REQUESTS
    decided = Counter(a.subject_id for a in audit if a.action == "request.approved")
    assert len(decided) == REQUESTS and set(decided.values()) == {1}
    for n in range(1, REQUESTS + 1):
        told = _posts(fake_slack, f"D0S{2 * n - 1:05d}", "approved your idea")
        assert len(told) == 1, n
    assert {row.status for row in outbox} == {"sent"}
    # The loser of each double click was told it was already decided, not decided again.
    replies = [
        all_text(c.params["blocks"])
        for c in fake_slack.of("chat.postMessage")
        if c.response.get("channel") == "D0SAM001"
    ]
    assert sum("I've told" in r for r in replies) == REQUESTS
