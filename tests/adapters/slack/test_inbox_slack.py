"""The durable inbox on Slack's route (issue 18): requests written, acknowledged at once,
replayed through the real bolt app and the engine by the inbox worker.

Real parts throughout: signed requests over HTTP to `create_app`, bolt, the engine and
a SQLite file; the fake Slack Web API on the other side of the network.
"""

from __future__ import annotations

import asyncio

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import func, select

from adapters.intake import INBOX
from bot.features.general.flow import HELP
from bot.settings import Settings
from storage.database import open_database
from storage.inbox import inbox_table
from storage.tables import ProcessedEventRow
from storage.uow import UnitOfWork
from tests.fakes.fake_slack import FakeSlack
from tests.fakes.settle import server_settled
from tests.fakes.slack_harness import SlackDriver, next_id

ASHA = "U0ASHA01"


@pytest.fixture
async def inboxed(
    slack_settings: Settings, fake_slack: FakeSlack, aiohttp_client: object
) -> SlackDriver:
    from app.server import create_app

    settings = slack_settings.model_copy(update={"inbox": True})
    client: TestClient = await aiohttp_client(create_app(settings))  # type: ignore[operator]
    return SlackDriver(client=client, fake=fake_slack)


async def _count(settings: Settings, table: object) -> int:
    database = open_database(settings.database_url)
    try:
        async with UnitOfWork(database, read_only=True) as uow:
            connection = await uow.session.connection()
            return int(await connection.scalar(select(func.count()).select_from(table)) or 0)
    finally:
        await database.close()


async def test_a_command_is_acknowledged_then_answered_from_the_inbox(
    inboxed: SlackDriver, slack_settings: Settings
) -> None:
    assert INBOX in inboxed.client.app
    response = await inboxed.command(ASHA, "help", channel="D0ASHA01")
    assert response.status == 200
    assert await response.text() == ""  # acknowledged before the turn
    [answer] = await inboxed.fake.wait_for("chat.postMessage")
    assert answer.params["text"] == HELP.title
    await server_settled(inboxed.client.app)
    assert await _count(slack_settings, inbox_table) == 0  # deleted with its turn


async def test_a_redelivered_request_has_one_effect(
    inboxed: SlackDriver, slack_settings: Settings
) -> None:
    """Slack delivers an event again (no ack in time): the same key is not written twice,
    and if it was already replayed, the engine's event key makes it count once."""
    event_id = next_id("Ev")
    first, again = await asyncio.gather(
        inboxed.dm(ASHA, "help", event_id=event_id),
        inboxed.dm(ASHA, "help", event_id=event_id, retry=1),
    )
    assert first.status == again.status == 200
    await server_settled(inboxed.client.app)
    late = await inboxed.dm(ASHA, "help", event_id=event_id, retry=2)  # after its turn
    assert late.status == 200
    await server_settled(inboxed.client.app)
    helps = [c for c in inboxed.fake.of("chat.postMessage") if c.params["text"] == HELP.title]
    assert len(helps) == 1
    assert await _count(slack_settings, inbox_table) == 0
    assert await _count(slack_settings, ProcessedEventRow.__table__) == 1


async def test_a_view_submissions_field_errors_still_come_back_in_the_ack(
    inboxed: SlackDriver,
) -> None:
    response = await inboxed.command(ASHA, "")
    assert response.status == 200
    [opened] = await inboxed.fake.wait_for("views.open")
    response = await inboxed.submit_view(
        ASHA, opened.params["view"], {"occurred_on": "2999-01-01", "customer_need": ""}
    )
    assert response.status == 200
    body = await response.json()
    assert body["response_action"] == "errors"
    assert body["errors"]["occurred_on"].startswith("That date is in the future")
    assert body["errors"]["customer_need"] == "Please tell me the customer's need."
