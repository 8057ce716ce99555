"""The durable inbox on Teams' route (issue 18): a message activity is written, answered
201 at once and replayed through the real CloudAdapter and the engine; an invoke (whose
answer is the card) is still answered in its response. The fake connector is the network.
"""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import func, select

from adapters.intake import INBOX
from adapters.teams.mount import TEAMS
from bot.settings import Settings
from storage.database import open_database
from storage.inbox import inbox_table
from storage.uow import UnitOfWork
from tests.fakes.fake_connector import FakeConnector
from tests.fakes.teams_harness import ASHA, TeamsDriver


@pytest.fixture
async def inboxed(
    teams_settings: Settings, fake_connector: FakeConnector, aiohttp_client: object
) -> TeamsDriver:
    from app.server import create_app

    settings = teams_settings.model_copy(update={"inbox": True})
    client: TestClient = await aiohttp_client(create_app(settings))  # type: ignore[operator]
    return TeamsDriver(client=client, connector=fake_connector)


async def _waiting(settings: Settings) -> int:
    database = open_database(settings.database_url)
    try:
        async with UnitOfWork(database, read_only=True) as uow:
            connection = await uow.session.connection()
            return int(await connection.scalar(select(func.count()).select_from(inbox_table)) or 0)
    finally:
        await database.close()


async def test_a_message_is_acknowledged_then_answered_from_the_inbox(
    inboxed: TeamsDriver, teams_settings: Settings
) -> None:
    assert INBOX in inboxed.client.app
    activity = inboxed.activity(ASHA, type="message", text="offer", textFormat="plain")
    response = await inboxed.post(activity)
    assert response.status == 201
    [call] = await inboxed.connector.wait_for_sent()
    assert call.conversation_id == f"a:1personal-{ASHA['id']}"
    # Sent again by the channel (no answer in time): one effect.
    again = await inboxed.post(activity)
    assert again.status == 201
    await inboxed.client.app[TEAMS].bot.drain()
    assert len(inboxed.connector.sent()) == 1
    assert await _waiting(teams_settings) == 0


async def test_an_invoke_is_still_answered_in_its_response(
    inboxed: TeamsDriver, teams_settings: Settings
) -> None:
    """A click's answer is the HTTP response (the card, or a message): not through the
    inbox, nothing is written there."""
    response = await inboxed.execute(ASHA, {"verb": "forged.approve", "data": {"value": "1"}})
    assert response.status == 200
    body = await response.json()
    assert body["statusCode"] == 200
    assert body["type"].startswith("application/vnd.microsoft.")
    assert await _waiting(teams_settings) == 0
