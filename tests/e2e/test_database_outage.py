"""The database going away mid-request: Slack gets an error answer (so it delivers the
request again), nothing is half-written, and the bot works again once it is back.

PostgreSQL behind a TCP proxy the test cuts: connections drop as they would when the
server restarts or the network fails.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from typing import Any

import pytest
from pytest_mock import MockerFixture
from sqlalchemy.engine import make_url
from sqlmodel import select

from bot.settings import EXAMPLE_ORG_FILE, Settings
from storage.actions import count_actions
from storage.database import open_database
from storage.tables import ActionRow, AuditLogRow, ConversationStateRow, ProcessedEventRow
from storage.uow import UnitOfWork
from tests.conftest import POSTGRES_ENV, _drop_postgres, _fresh_postgres
from tests.fakes.fake_connector import FakeConnector
from tests.fakes.fake_slack import SIGNING_SECRET, TOKEN, FakeSlack
from tests.fakes.settle import server_settled
from tests.fakes.slack_harness import SlackDriver, all_text
from tests.fakes.tcp_proxy import TcpProxy
from tests.fakes.teams_harness import ASHA as TEAMS_ASHA
from tests.fakes.teams_harness import TeamsDriver

pytestmark = pytest.mark.skipif(
    not os.environ.get(POSTGRES_ENV), reason=f"needs PostgreSQL: set {POSTGRES_ENV} (CI sets it)"
)

ASHA = "U0ASHA01"
FORM = {
    "occurred_on": "2026-11-20",
    "customer_need": "Needed a heavy TV carried",
    "extra": "Carried it and strapped it in",
    "result": "She was delighted",
}


class Outage:
    def __init__(
        self, proxy: TcpProxy, direct_url: str, slack: SlackDriver, teams: TeamsDriver
    ) -> None:
        self.proxy = proxy
        self.direct_url = direct_url  # the test's own view of the database, not cut
        self.slack = slack
        self.teams = teams

    async def rows(self, table: type[Any]) -> list[Any]:
        database = open_database(self.direct_url)
        try:
            async with UnitOfWork(database) as uow:
                return list((await uow.session.exec(select(table))).all())
        finally:
            await database.close()


@pytest.fixture
async def outage(
    fake_slack: FakeSlack, fake_connector: FakeConnector, aiohttp_client: Any
) -> AsyncIterator[Outage]:
    from app.server import create_app

    url, name = await _fresh_postgres(os.environ[POSTGRES_ENV])
    target = make_url(url)
    proxy = TcpProxy(target.host or "127.0.0.1", target.port or 5432)
    await proxy.start()
    settings = Settings(
        database_url=target.set(host="127.0.0.1", port=proxy.port).render_as_string(
            hide_password=False
        ),
        org_file=EXAMPLE_ORG_FILE,
        slack_bot_token=TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=fake_slack.api_url,
        teams_emulator=True,
    )
    client = await aiohttp_client(create_app(settings))
    yield Outage(
        proxy,
        url,
        SlackDriver(client=client, fake=fake_slack),
        TeamsDriver(client=client, connector=fake_connector),
    )
    await client.close()
    await proxy.close()
    await _drop_postgres(os.environ[POSTGRES_ENV], name)


async def _deed_form(slack: SlackDriver) -> dict[str, Any]:
    """The deed modal, opened by /extramile: what Slack shows, to be submitted."""
    assert (await slack.command(ASHA, "")).status == 200
    [opened] = await slack.fake.wait_for("views.open")
    return dict(opened.params["view"])


class _Keeper(SlackDriver):
    """Keeps the payloads it would send: a submission to send, then send again."""

    kept: list[dict[str, Any]]

    async def interactive(self, payload: dict[str, Any], *, retry: int | None = None) -> Any:
        self.kept.append(payload)


async def _submission(slack: SlackDriver, view: dict[str, Any]) -> dict[str, Any]:
    """The view_submission payload Slack sends for the modal filled in with FORM (to send,
    or send again as Slack's retry)."""
    keeper = _Keeper(client=slack.client, fake=slack.fake)
    keeper.kept = []
    await keeper.submit_view(ASHA, view, FORM)
    [payload] = keeper.kept
    return payload


@pytest.mark.timeout(60)
async def test_database_lost_during_a_save_answers_500_writes_nothing_and_the_retry_saves_once(
    outage: Outage, mocker: MockerFixture
) -> None:
    """Issue 16: the deed is saved on the modal's submit (was: the review card's Save), so
    that is where the database goes away."""
    slack = outage.slack
    submission = await _submission(slack, await _deed_form(slack))

    # The database goes away in the middle of the save: the action and its audit row
    # are already written in the open transaction when the connection drops.
    async def cut_then_count(*args: Any) -> int:
        outage.proxy.cut()
        return await count_actions(*args)

    mocker.patch("bot.features.log.save.count_actions", side_effect=cut_then_count)
    response = await slack.interactive(submission)
    assert response.status == 500  # the modal stays open with what was typed: nothing lost

    assert await outage.rows(ActionRow) == []
    assert [r for r in await outage.rows(AuditLogRow) if r.action == "action.logged"] == []
    keys = {r.key for r in await outage.rows(ProcessedEventRow)}
    assert f"slack:view:{submission['trigger_id']}" not in keys
    assert await outage.rows(ConversationStateRow) == []  # nothing half-kept either
    assert slack.fake.of("chat.postMessage") == []

    # The database comes back; the same submission again saves it, once.
    outage.proxy.restore()
    mocker.stopall()
    response = await slack.interactive(submission, retry=1)
    assert response.status == 200 and await response.text() == ""  # the modal closes

    def saved() -> list[Any]:
        return [
            c
            for c in slack.fake.of("chat.postMessage")
            if "Saved: your 1st" in all_text(c.params["blocks"])
        ]

    await slack.fake.wait_until(saved)
    assert len(saved()) == 1
    assert (await slack.interactive(submission, retry=2)).status == 200  # a late duplicate
    await server_settled(slack.client.app)  # its replies, had it any, would be out by now
    [action] = await outage.rows(ActionRow)
    assert action.extra == FORM["extra"]
    assert len([r for r in await outage.rows(AuditLogRow) if r.action == "action.logged"]) == 1
    assert len(saved()) == 1


@pytest.mark.timeout(60)
async def test_a_message_while_the_database_is_away_gets_500_and_its_retry_an_answer(
    outage: Outage,
) -> None:
    slack = outage.slack
    assert (await slack.dm(ASHA, "help", event_id="EvDOWN1")).status == 200  # all well
    await slack.fake.wait_for("chat.postMessage")

    outage.proxy.cut()
    assert (await slack.dm(ASHA, "mine", event_id="EvDOWN2")).status == 500
    assert (await slack.command(ASHA, "mine")).status == 500
    assert len(slack.fake.of("chat.postMessage")) == 1  # no half-made answer went out

    outage.proxy.restore()
    assert (await slack.dm(ASHA, "mine", event_id="EvDOWN2", retry=1)).status == 200
    await slack.fake.wait_for("chat.postMessage", 2)
    keys = {r.key for r in await outage.rows(ProcessedEventRow)}
    assert "slack:event:EvDOWN2" in keys


@pytest.mark.timeout(60)
async def test_on_teams_the_channel_gets_an_error_and_the_person_is_told_nothing_was_saved(
    outage: Outage,
) -> None:
    teams = outage.teams
    outage.proxy.cut()
    activity = teams.activity(TEAMS_ASHA, type="message", text="mine", textFormat="plain")
    response = await teams.post(activity)
    assert response.status == 500
    said = " ".join(str(call.body.get("text", "")) for call in teams.connector.sent())
    assert "can't reach my records just now, so nothing was saved" in said

    outage.proxy.restore()
    assert (await teams.post(activity)).status in (200, 201)  # the same activity, again
    keys = {r.key for r in await outage.rows(ProcessedEventRow)}
    assert any(activity["id"] in key for key in keys)
