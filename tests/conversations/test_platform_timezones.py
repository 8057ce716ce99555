"""Prompts at the person's local time when Slack or Teams reports their time zone."""

from __future__ import annotations

from datetime import datetime

from adapters.slack.mount import SLACK_BOT
from adapters.state import RUNTIME
from app.jobs import run_job
from tests.fakes.slack_harness import SlackDriver
from tests.fakes.teams_harness import TeamsDriver


async def _prompt(app: object, at: str) -> str:
    runtime = app[RUNTIME]  # type: ignore[index]
    return await run_job(
        "weekly-prompt", org=runtime.org, database=runtime.database, at=datetime.fromisoformat(at)
    )


async def test_teams_reports_the_time_zone(teams: TeamsDriver) -> None:
    chen = {
        "id": "29:1chen",
        "name": "Chen Wei",
        "aadObjectId": "4d5e6f7a-8b9c-4d0e-9f1a-2b3c4d5e6f07",
    }
    await teams.say(chen, "hello", localTimezone="Asia/Kolkata")
    await teams.connector.wait_for_sent()
    # Mon 09:30 in Kolkata is 04:00 UTC: only Chen is due.
    report = await _prompt(teams.client.server.app, "2026-11-23T04:01:00+00:00")
    assert report.startswith("sent 1, already sent 0, not due 7")


async def test_slack_users_info_gives_the_time_zone(slack: SlackDriver) -> None:
    slack.fake.timezones["U0GOSIA1"] = "Pacific/Auckland"
    await slack.dm("U0GOSIA1", "hello")
    await slack.fake.wait_for("chat.postMessage")
    [info] = slack.fake.of("users.info")
    assert info.params["user"] == "U0GOSIA1"
    await slack.dm("U0GOSIA1", "mine")  # asked once, not on every message
    await slack.fake.wait_for("chat.postMessage", 2)
    assert len(slack.fake.of("users.info")) == 1
    await slack.client.server.app[SLACK_BOT].drain()  # the zone is saved after the ack
    # Mon 09:30 in Auckland is Sun 20:30 UTC, when London's Monday is still to come.
    report = await _prompt(slack.client.server.app, "2026-11-22T20:31:00+00:00")
    assert report.startswith("sent 1, already sent 0, not due 7")
