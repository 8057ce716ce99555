"""Shared fixtures: the example organisation, databases (SQLite always, PostgreSQL when set)."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import pytest
from pytest_aiohttp import AiohttpClient
from sqlalchemy.engine import make_url

from bot.clock import FixedClock
from bot.domain.org import Organisation
from bot.domain.orgfile import load_organisation
from bot.engine import Engine
from bot.settings import EXAMPLE_ORG_FILE, Settings
from storage.database import Database, open_database
from storage.people import sync_organisation
from storage.uow import UnitOfWork
from tests.fakes.fake_connector import FakeConnector
from tests.fakes.fake_slack import SIGNING_SECRET, TOKEN, FakeSlack
from tests.fakes.slack_harness import SlackDriver
from tests.fakes.teams_harness import TeamsDriver

POSTGRES_ENV = "EXTRAMILE_TEST_POSTGRES_URL"
ROOT = Path(__file__).resolve().parent.parent
# A Sunday afternoon in London; the tests' "today".
NOW = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)


@pytest.fixture
def org() -> Organisation:
    return load_organisation(EXAMPLE_ORG_FILE)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


async def _fresh_postgres(url: str) -> tuple[str, str]:
    """Create an empty database for one test; return its URL and name."""
    name = f"extramile_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(url)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    return make_url(url).set(database=name).render_as_string(hide_password=False), name


async def _drop_postgres(url: str, name: str) -> None:
    admin = await asyncpg.connect(url)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@pytest.fixture(params=["sqlite", "postgresql"])
async def database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """A migrated, empty database: SQLite, and PostgreSQL when its URL is set."""
    if request.param == "sqlite":
        db = open_database(f"sqlite:///{tmp_path / 'test.db'}")
        await db.upgrade()
        yield db
        await db.close()
        return
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.skip(f"PostgreSQL tests need {POSTGRES_ENV} (CI sets it)")
    test_url, name = await _fresh_postgres(url)
    db = open_database(test_url)
    await db.upgrade()
    yield db
    await db.close()
    await _drop_postgres(url, name)


@pytest.fixture
async def sqlite_db(tmp_path: Path) -> AsyncIterator[Database]:
    db = open_database(f"sqlite:///{tmp_path / 'engine.db'}")
    await db.upgrade()
    yield db
    await db.close()


@pytest.fixture
async def engine(sqlite_db: Database, org: Organisation, clock: FixedClock) -> Engine:
    async with UnitOfWork(sqlite_db) as uow:
        await sync_organisation(uow, org)
        await uow.commit()
    return Engine(org=org, database=sqlite_db, clock=clock)


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    fake = FakeSlack()
    await fake.start()
    yield fake
    await fake.close()


@pytest.fixture
def slack_settings(tmp_path: Path, fake_slack: FakeSlack) -> Settings:
    return Settings(
        database_url=f"sqlite:///{tmp_path / 'slack.db'}",
        org_file=EXAMPLE_ORG_FILE,
        slack_bot_token=TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=fake_slack.api_url,
    )


@pytest.fixture
async def slack(
    slack_settings: Settings, fake_slack: FakeSlack, aiohttp_client: AiohttpClient
) -> SlackDriver:
    from app.server import create_app

    client = await aiohttp_client(create_app(slack_settings))
    return SlackDriver(client=client, fake=fake_slack)


@pytest.fixture
async def fake_connector() -> AsyncIterator[FakeConnector]:
    connector = FakeConnector()
    await connector.start()
    yield connector
    await connector.close()


@pytest.fixture
def teams_settings(tmp_path: Path) -> Settings:
    """Teams in its local emulator mode (no credentials; loopback callers only)."""
    return Settings(
        database_url=f"sqlite:///{tmp_path / 'teams.db'}",
        org_file=EXAMPLE_ORG_FILE,
        teams_emulator=True,
    )


@pytest.fixture
async def teams(
    teams_settings: Settings, fake_connector: FakeConnector, aiohttp_client: AiohttpClient
) -> TeamsDriver:
    from app.server import create_app

    client = await aiohttp_client(create_app(teams_settings))
    return TeamsDriver(client=client, connector=fake_connector)
