"""SIGKILL during an approval: after a restart, the decision stands once, the requester
is told once, and Slack's retry of the click changes nothing.

A real `extramile serve` process takes the supervisor's signed click and is killed at
different moments after it: before the turn commits, after it, and while the slow
(fake) Slack is being told.
"""

from __future__ import annotations

import asyncio
import json
import signal
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
import pytest
from slack_sdk.signature import SignatureVerifier
from sqlmodel import select

from app.runtime import start_runtime
from bot.settings import EXAMPLE_ORG_FILE, Settings
from storage.tables import AuditLogRow, FeasibilityRequestRow
from storage.uow import UnitOfWork
from tests.conversations.test_approvals import propose
from tests.e2e.test_fan_out import _free_port
from tests.fakes.fake_slack import SIGNING_SECRET, TOKEN, FakeSlack
from tests.fakes.process import Cli, cli_env
from tests.fakes.settle import outbox_settled_at
from tests.fakes.slack_harness import SlackDriver, all_text

SAM_DM = "D0SAM001"
ASHA_DM = "D0ASHA01"
TOLD = "Sam Okafor approved your idea"


def _posts(fake: FakeSlack, channel: str, text: str) -> list[dict[str, Any]]:
    return [
        {**call.params, "ts": call.response.get("ts")}
        for call in fake.of("chat.postMessage")
        if call.response.get("channel") == channel and text in all_text(call.params["blocks"])
    ]


async def _post_click(port: int, payload: dict[str, Any], retry: int = 0) -> int:
    body = urlencode({"payload": json.dumps(payload)})
    stamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": SignatureVerifier(SIGNING_SECRET).generate_signature(
            timestamp=stamp, body=body
        ),
    }
    if retry:
        headers |= {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_error"}
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"http://127.0.0.1:{port}/slack/events", data=body, headers=headers) as r,
    ):
        return r.status


async def _ready(port: int, within: float = 30) -> None:
    async with asyncio.timeout(within), aiohttp.ClientSession() as session:
        while True:
            try:
                async with session.get(f"http://127.0.0.1:{port}/healthz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)


async def _requests(settings: Settings) -> tuple[list[FeasibilityRequestRow], list[AuditLogRow]]:
    runtime = await start_runtime(settings)
    try:
        async with UnitOfWork(runtime.database) as uow:
            requests = list((await uow.session.exec(select(FeasibilityRequestRow))).all())
            audit = list((await uow.session.exec(select(AuditLogRow))).all())
        return requests, audit
    finally:
        await runtime.close()


@pytest.mark.timeout(180)
async def test_an_approval_killed_at_any_moment_decides_once_and_tells_once(
    tmp_path: Path, fake_slack: FakeSlack
) -> None:
    database = tmp_path / "approval.db"
    settings = Settings(database_url=f"sqlite:///{database}", org_file=EXAMPLE_ORG_FILE)
    port = _free_port()
    env = cli_env(
        database,
        EXTRAMILE_ORG_FILE=str(EXAMPLE_ORG_FILE),
        SLACK_BOT_TOKEN=TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake_slack.api_url,
        EXTRAMILE_PORT=str(port),
        EXTRAMILE_OUTBOX_LEASE_SECONDS="2",
    )
    driver = SlackDriver(client=None, fake=fake_slack)  # type: ignore[arg-type]
    kill_points = (0.0, 0.02, 0.25)  # seconds after the click is sent

    for round_number, kill_after in enumerate(kill_points, start=1):
        runtime = await start_runtime(settings)
        try:
            await propose(runtime.engine)  # Asha's idea waits on Sam
        finally:
            await runtime.close()

        first = await Cli.start("serve", "--no-scheduler", env=env)
        try:
            await fake_slack.wait_until(
                lambda n=round_number: len(_posts(fake_slack, SAM_DM, "asks to spend")) >= n,
                within=30,
            )
            card = _posts(fake_slack, SAM_DM, "asks to spend")[-1]
            click = driver.click_payload("U0SAM001", card, "Approve", channel=SAM_DM)
            fake_slack.delay = 0.1  # a slow Slack: the process is mid-reply when killed
            sent = asyncio.ensure_future(_post_click(port, click))
            await asyncio.sleep(kill_after)
            first.process.send_signal(signal.SIGKILL)
            await first.process.wait()
            answered = await asyncio.gather(sent, return_exceptions=True)
        finally:
            if first.process.returncode is None:
                await first.kill()
            fake_slack.delay = 0.0

        second = await Cli.start("serve", "--no-scheduler", env=env)
        try:
            await _ready(port)
            # Slack retries a click that got no 200; a duplicate must change nothing.
            assert await _post_click(port, click, retry=1) == 200
            await fake_slack.wait_until(
                lambda n=round_number: len(_posts(fake_slack, ASHA_DM, TOLD)) >= n, within=30
            )
            # Nothing pending in the outbox: a message the killed process had claimed was
            # taken up again after its lease and sent (or found sent), so a leftover told
            # twice is at the fake by now; stopping the server below finishes the
            # replies still going after the ack (Sam's card).
            await outbox_settled_at(port)
        finally:
            second.process.send_signal(signal.SIGTERM)
            await asyncio.wait_for(second.process.wait(), 20)

        requests, audit = await _requests(settings)
        assert len(requests) == round_number
        assert {(r.status, r.decided_by) for r in requests} == {("approved", "sam")}, answered
        approvals = [a for a in audit if a.action == "request.approved"]
        assert len(approvals) == round_number, (kill_after, answered)
        assert len(_posts(fake_slack, ASHA_DM, TOLD)) == round_number, (kill_after, answered)
        # Sam's card shows the decision in the end, whatever the moment of the kill.
        updates = [u for u in fake_slack.of("chat.update") if u.params["ts"] == card["ts"]]
        assert updates and "Approved by Sam Okafor" in all_text(updates[-1].params["blocks"])
