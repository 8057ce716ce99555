"""kill -9 between the ack and the turn (issue 18): with the durable inbox, a request
acknowledged 200 was written first, so after a restart its turn runs, once, and its
answer reaches Slack once, although Slack never sends it again.

A real `extramile serve` (EXTRAMILE_INBOX=1) takes a burst of signed `/extramile help`
commands and is SIGKILLed, once a third have been answered 200, as the second half of
the burst starts; the inbox is seen to hold
acknowledged requests whose turns had not run. Only the requests that got no 200 are
sent again after the restart, as Slack would.
"""

from __future__ import annotations

import asyncio
import collections
import itertools
import signal
import sqlite3
from pathlib import Path

import aiohttp
import pytest

from bot.settings import EXAMPLE_ORG_FILE
from tests.e2e.test_crash_after_ack import PEOPLE, _answers, _command, _send, burst_then_kill
from tests.e2e.test_fan_out import _free_port
from tests.e2e.test_kill_during_approval import _ready
from tests.fakes.fake_slack import SIGNING_SECRET, TOKEN, FakeSlack
from tests.fakes.process import Cli, cli_env
from tests.fakes.settle import outbox_settled_at

BURST = 300
IN_FLIGHT = 50


def _waiting_in_inbox(database: Path) -> int:
    with sqlite3.connect(database) as connection:
        (count,) = connection.execute("SELECT count(*) FROM inbox").fetchone()
    return int(count)


@pytest.mark.timeout(180)
async def test_acknowledged_requests_are_processed_once_after_a_kill(
    tmp_path: Path, fake_slack: FakeSlack
) -> None:
    port = _free_port()
    database = tmp_path / "inbox.db"
    env = cli_env(
        database,
        EXTRAMILE_ORG_FILE=str(EXAMPLE_ORG_FILE),
        SLACK_BOT_TOKEN=TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake_slack.api_url,
        EXTRAMILE_PORT=str(port),
        EXTRAMILE_INBOX="1",
        EXTRAMILE_OUTBOX_LEASE_SECONDS="2",
        EXTRAMILE_LOG_LEVEL="WARNING",
    )
    people = itertools.cycle(PEOPLE)
    bodies = {f"inbox.{n}": _command(next(people), f"inbox.{n}") for n in range(BURST)}

    status = await burst_then_kill(env, port, bodies, fake_slack, IN_FLIGHT)

    acked = {trigger for trigger, code in status.items() if code == 200}
    assert BURST // 3 <= len(acked) < BURST, "the kill must land mid-burst"
    # The crash this test is about: acknowledged and written, its turn not yet run.
    assert _waiting_in_inbox(database) > 0

    second = await Cli.start("serve", "--no-scheduler", env=env)
    try:
        await _ready(port)
        unanswered = [t for t in bodies if t not in acked]
        async with aiohttp.ClientSession() as session:
            for attempt in range(1, 6):  # Slack retries only what got no 200
                codes = await asyncio.gather(
                    *(_send(session, port, bodies[t], retry=attempt) for t in unanswered)
                )
                unanswered = [t for t, c in zip(unanswered, codes, strict=True) if c != 200]
                if not unanswered:
                    break
        assert unanswered == []
        wanted = {f"reply:slack:command:{trigger}" for trigger in bodies}
        await fake_slack.wait_until(lambda: set(_answers(fake_slack)) == wanted, within=60)
        # Each row was deleted in its turn's transaction, before its answer could be sent.
        assert _waiting_in_inbox(database) == 0
        await outbox_settled_at(port)  # past the outbox lease: nothing doubled
    finally:
        second.process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(second.process.wait(), 20)

    answers = _answers(fake_slack)
    assert {key: n for key, n in answers.items() if n != 1} == {}
    assert set(answers) == wanted
    per_person = collections.Counter(
        str(call.params.get("channel")) for call in fake_slack.of("chat.postMessage")
    )
    assert sum(per_person.values()) == BURST
