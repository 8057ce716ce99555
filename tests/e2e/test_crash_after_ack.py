"""kill -9 in the middle of a burst of commands: every acknowledged request's answer
reaches Slack exactly once after a restart.

A real `extramile serve` takes 300 signed `/extramile help` commands, 30 at a time,
and is SIGKILLed, once a third of them have been answered 200, as the second half of
the burst starts. Requests that got no
200 are sent again after the restart, as Slack retries them. Each answer carries its
request's key in Slack message metadata, so the fake Slack can tell them apart.
"""

from __future__ import annotations

import asyncio
import collections
import itertools
import signal
import time
from pathlib import Path
from urllib.parse import parse_qs, urlencode

import aiohttp
import pytest
from slack_sdk.signature import SignatureVerifier

from adapters.slack.client import METADATA_TYPE
from bot.features.general.flow import HELP
from bot.settings import EXAMPLE_ORG_FILE
from tests.e2e.test_fan_out import _free_port
from tests.e2e.test_kill_during_approval import _ready
from tests.fakes.fake_slack import SIGNING_SECRET, TOKEN, FakeSlack
from tests.fakes.process import Cli, cli_env
from tests.fakes.slack_harness import TEAM

PEOPLE = ("U0ASHA01", "U0TOM001", "U0LEILA1", "U0BEN001", "U0CHEN01", "U0GOSIA1", "U0KOFI01")
BURST = 300
IN_FLIGHT = 30


def _command(user: str, trigger: str) -> str:
    return urlencode(
        {
            "team_id": TEAM["id"],
            "team_domain": TEAM["domain"],
            "channel_id": "C0SHOPFLR",
            "channel_name": "shop-floor",
            "user_id": user,
            "user_name": user.lower(),
            "command": "/extramile",
            "text": "help",
            "api_app_id": "A0EXTRA01",
            "response_url": "http://127.0.0.1:9/unused",
            "trigger_id": trigger,
        }
    )


async def _send(session: aiohttp.ClientSession, port: int, body: str, retry: int = 0) -> int | None:
    """The HTTP status, or None if the connection died first (no answer reached Slack)."""
    stamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": SignatureVerifier(SIGNING_SECRET).generate_signature(
            timestamp=stamp, body=body
        ),
    }
    if retry:
        headers |= {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
    try:
        async with session.post(
            f"http://127.0.0.1:{port}/slack/events", data=body, headers=headers
        ) as response:
            await response.read()
            return response.status
    except (TimeoutError, aiohttp.ClientError):
        return None


def _per_person(fake: FakeSlack) -> collections.Counter[str]:
    """How many help answers landed in each person's DM."""
    return collections.Counter(
        "U" + str(call.response.get("channel"))[1:]
        for call in fake.of("chat.postMessage")
        if call.params.get("text") == HELP.title
    )


def _answers(fake: FakeSlack) -> collections.Counter[str]:
    """How many messages Slack got for each request key."""
    keys: collections.Counter[str] = collections.Counter()
    for call in fake.of("chat.postMessage"):
        metadata = call.params.get("metadata") or {}
        if isinstance(metadata, dict) and metadata.get("event_type") == METADATA_TYPE:
            keys[str((metadata.get("event_payload") or {}).get("key"))] += 1
    return keys


@pytest.mark.timeout(180)
async def test_answers_to_acknowledged_requests_survive_a_kill(
    tmp_path: Path, fake_slack: FakeSlack
) -> None:
    port = _free_port()
    env = cli_env(
        tmp_path / "burst.db",
        EXTRAMILE_ORG_FILE=str(EXAMPLE_ORG_FILE),
        SLACK_BOT_TOKEN=TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake_slack.api_url,
        EXTRAMILE_PORT=str(port),
        EXTRAMILE_OUTBOX_LEASE_SECONDS="2",
        EXTRAMILE_LOG_LEVEL="WARNING",  # nobody reads the child's output during the burst
    )
    people = itertools.cycle(PEOPLE)
    bodies = {f"burst.{n}": _command(next(people), f"burst.{n}") for n in range(BURST)}
    fake_slack.delay = 0.02  # Slack answers in 20 ms: the kill finds answers still in flight

    status = await burst_then_kill(env, port, bodies, fake_slack, IN_FLIGHT)

    acked = {trigger for trigger, code in status.items() if code == 200}
    assert BURST // 3 <= len(acked) < BURST, "the kill must land mid-burst"
    # The crash this test is about: acknowledged, but the answer had not gone out yet.
    assert sum(_per_person(fake_slack).values()) < len(acked)
    wanted = collections.Counter("U" + parse_qs(body)["user_id"][0][1:] for body in bodies.values())

    fake_slack.delay = 0.0
    second = await Cli.start("serve", "--no-scheduler", env=env)
    try:
        await _ready(port)
        limit = asyncio.Semaphore(IN_FLIGHT)
        unanswered = [t for t in bodies if t not in acked]
        async with aiohttp.ClientSession() as session:

            async def retried(trigger: str, attempt: int) -> int | None:
                async with limit:
                    return await _send(session, port, bodies[trigger], retry=attempt)

            # Slack sends again whatever got no 200, spaced out over minutes; here a
            # round goes once the last one's answers have gone (a loaded machine may
            # shed some with 503, which Slack also retries).
            for attempt in range(1, 6):
                codes = await asyncio.gather(*(retried(t, attempt) for t in unanswered))
                unanswered = [t for t, c in zip(unanswered, codes, strict=True) if c != 200]
                if not unanswered:
                    break
                await _outbox_settled(port)
        assert unanswered == []
        await fake_slack.wait_until(lambda: _per_person(fake_slack) == wanted, within=60)
        # Past the outbox lease: a message the dead worker held is checked, never doubled.
        await _outbox_settled(port)
    finally:
        second.process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(second.process.wait(), 20)

    assert _per_person(fake_slack) == wanted
    # Exactly once per request, not merely the right number per person.
    answers = _answers(fake_slack)
    assert {key: n for key, n in answers.items() if n != 1} == {}
    assert set(answers) == {f"reply:slack:command:{trigger}" for trigger in bodies}


async def _outbox_settled(port: int, within: float = 30) -> None:
    """Until /healthz reports nothing pending in the outbox."""
    async with asyncio.timeout(within), aiohttp.ClientSession() as session:
        while True:
            async with session.get(f"http://127.0.0.1:{port}/healthz") as response:
                body = await response.json()
            if not body.get("outbox", {}).get("pending"):
                return
            await asyncio.sleep(0.1)


async def burst_then_kill(
    env: dict[str, str], port: int, bodies: dict[str, str], fake: FakeSlack, in_flight: int
) -> dict[str, int | None]:
    """A real `serve` takes the signed commands `bodies` (by trigger), `in_flight` at a
    time, and is SIGKILLed mid-burst: the first half goes at once, and the kill comes as
    the second half starts, once a third are acknowledged, so the burst is cut in the
    middle however fast requests are acknowledged. Each trigger's HTTP status (None: no
    answer)."""
    status: dict[str, int | None] = {}
    first = await Cli.start("serve", "--no-scheduler", env=env)
    try:
        await _ready(port)
        limit = asyncio.Semaphore(in_flight)
        async with aiohttp.ClientSession() as session:

            async def one(trigger: str) -> None:
                async with limit:
                    status[trigger] = await _send(session, port, bodies[trigger])

            triggers = list(bodies)
            burst = [asyncio.ensure_future(one(t)) for t in triggers[: len(triggers) // 2]]
            third = len(triggers) // 3
            await fake.wait_until(
                lambda: sum(1 for s in status.values() if s == 200) >= third, within=60
            )
            burst += [asyncio.ensure_future(one(t)) for t in triggers[len(triggers) // 2 :]]
            first.process.send_signal(signal.SIGKILL)
            await first.process.wait()
            await asyncio.gather(*burst)
    finally:
        if first.process.returncode is None:
            await first.kill()
    return status
