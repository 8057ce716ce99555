"""One transaction per event: where the person can be reached travels in their message and
is saved in the turn's own transaction (no look-up or write by the adapter first), and
Teams keeps no per-process copy of what it saved."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from aiohttp import web
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication
from pytest_aiohttp import AiohttpClient
from sqlalchemy import event
from sqlmodel import select

from adapters.slack.app import SlackBot
from adapters.slack.mount import (
    PATH,
    SLACK_BOT,
    SLACK_SIGNATURE,
    build_bolt_app,
    slack_events,
)
from adapters.slack.signature import SlackSignature
from adapters.teams.bot import TeamsBot
from adapters.teams.mount import BotFrameworkConfig
from bot.engine import Engine
from bot.settings import Settings
from storage.database import Database
from storage.delivery import SqlDeliveryStore
from storage.tables import ConversationRefRow, OutboxRow, PersonRow
from storage.uow import UnitOfWork
from tests.fakes.fake_connector import FakeConnector
from tests.fakes.fake_slack import SIGNING_SECRET, FakeSlack
from tests.fakes.slack_harness import SlackDriver
from tests.fakes.teams_harness import ASHA as TEAMS_ASHA
from tests.fakes.teams_harness import TeamsDriver

ASHA = "U0ASHA01"


@contextmanager
def transactions(database: Database) -> Iterator[list[object]]:
    """Every transaction begun on the database meanwhile (one entry per BEGIN)."""
    begun: list[object] = []

    def count(connection: Any) -> None:
        begun.append(connection)

    event.listen(database.engine.sync_engine, "begin", count)
    try:
        yield begun
    finally:
        event.remove(database.engine.sync_engine, "begin", count)


async def _addresses(database: Database) -> dict[tuple[str, str], dict[str, object]]:
    async with UnitOfWork(database) as uow:
        rows = (await uow.session.exec(select(ConversationRefRow))).all()
    return {(row.person_id, row.platform): dict(row.address) for row in rows}


async def _slack(
    engine: Engine, settings: Settings, fake: FakeSlack, aiohttp_client: AiohttpClient
) -> tuple[SlackDriver, SlackBot]:
    """Slack's route on a server of its own: no outbox dispatcher, so every transaction
    on the database is the adapter's or the engine's."""
    bot = SlackBot(
        engine=engine, store=SqlDeliveryStore(engine.database), app=build_bolt_app(settings)
    )
    app = web.Application()
    app[SLACK_SIGNATURE] = SlackSignature(SIGNING_SECRET.encode())
    app[SLACK_BOT] = bot
    app.router.add_post(PATH, slack_events)
    return SlackDriver(client=await aiohttp_client(app), fake=fake), bot


async def test_a_slack_dm_is_one_transaction_that_remembers_the_dm_channel(
    engine: Engine,
    slack_settings: Settings,
    fake_slack: FakeSlack,
    aiohttp_client: AiohttpClient,
) -> None:
    slack, bot = await _slack(engine, slack_settings, fake_slack, aiohttp_client)
    fake_slack.timezones[ASHA] = ""  # Slack knows no zone for her: nothing to save
    with transactions(engine.database) as begun:
        assert (await slack.dm(ASHA, "hello")).status == 200
        await bot.drain()
    assert len(begun) == 1  # the turn: its event key, her DM channel and her answer
    assert await _addresses(engine.database) == {("asha", "slack"): {"channel": "D0ASHA01"}}
    async with UnitOfWork(engine.database) as uow:
        [queued] = (await uow.session.exec(select(OutboxRow))).all()
    assert queued.person_id == "asha"
    assert len(fake_slack.of("users.info")) == 1  # her first contact, after the ack

    with transactions(engine.database) as begun:
        assert (await slack.dm(ASHA, "help")).status == 200
        await bot.drain()
    assert len(begun) == 1  # the same DM again: nothing more to write, nothing looked up
    assert len(fake_slack.of("users.info")) == 1
    assert fake_slack.of("conversations.open") == []


async def test_the_time_zone_slack_reports_is_saved_after_the_ack(
    engine: Engine,
    slack_settings: Settings,
    fake_slack: FakeSlack,
    aiohttp_client: AiohttpClient,
) -> None:
    slack, bot = await _slack(engine, slack_settings, fake_slack, aiohttp_client)
    fake_slack.timezones[ASHA] = "Pacific/Auckland"
    assert (await slack.dm(ASHA, "hello")).status == 200
    await bot.drain()
    async with UnitOfWork(engine.database) as uow:
        person = await uow.session.get(PersonRow, "asha")
    assert person is not None and person.platform_timezone == "Pacific/Auckland"


async def _teams(
    engine: Engine, connector: FakeConnector, aiohttp_client: AiohttpClient
) -> TeamsDriver:
    """A fresh TeamsBot, as a new process would have (and no outbox dispatcher)."""
    config = BotFrameworkConfig(
        APP_ID=None, APP_PASSWORD=None, APP_TYPE="MultiTenant", APP_TENANTID=None
    )
    adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(config))
    bot = TeamsBot(engine=engine, store=SqlDeliveryStore(engine.database), app_id=None)

    async def messages(request: web.Request) -> web.StreamResponse:
        response = await adapter.process(request, bot)
        return response or web.Response(status=201)

    app = web.Application()
    app.router.add_post("/api/messages", messages)
    return TeamsDriver(client=await aiohttp_client(app), connector=connector)


async def test_a_teams_message_saves_its_reference_and_zone_in_the_turn(
    engine: Engine, fake_connector: FakeConnector, aiohttp_client: AiohttpClient
) -> None:
    teams = await _teams(engine, fake_connector, aiohttp_client)
    with transactions(engine.database) as begun:
        response = await teams.say(TEAMS_ASHA, "hello", localTimezone="Asia/Kolkata")
        assert response.status in (200, 201)
    assert len(begun) == 1
    saved = (await _addresses(engine.database))[("asha", "teams")]
    assert saved["serviceUrl"] == fake_connector.service_url
    assert saved["conversation"]["id"] == f"a:1personal-{TEAMS_ASHA['id']}"  # type: ignore[index]
    async with UnitOfWork(engine.database) as uow:
        person = await uow.session.get(PersonRow, "asha")
    assert person is not None and person.platform_timezone == "Asia/Kolkata"


async def test_a_teams_reference_is_saved_again_whoever_changed_it_meanwhile(
    engine: Engine, fake_connector: FakeConnector, aiohttp_client: AiohttpClient
) -> None:
    """Nothing in the process remembers what it saved: a reference another worker (or an
    older chat) left in the database is replaced when the person writes again."""
    teams = await _teams(engine, fake_connector, aiohttp_client)
    await teams.say(TEAMS_ASHA, "hello")
    first = (await _addresses(engine.database))[("asha", "teams")]
    stale = {**first, "serviceUrl": "http://127.0.0.1:9/elsewhere/"}
    await SqlDeliveryStore(engine.database).remember_address("asha", "teams", stale)

    await teams.say(TEAMS_ASHA, "help")
    again = (await _addresses(engine.database))[("asha", "teams")]
    assert again["serviceUrl"] == first["serviceUrl"] == fake_connector.service_url
