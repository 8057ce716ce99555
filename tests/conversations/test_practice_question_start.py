"""The practice questions a previous process lost are asked when a long-running process
starts (the server, the scheduler process), and only then: a command that runs and
exits (portfolio, erase-person, run-job…) leaves them to those. What the start queued
goes out at once: it rings the server's outbox bell."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

from pytest_aiohttp import AiohttpClient
from pytest_mock import MockerFixture

from adapters.state import RUNTIME
from app.runtime import ask_lost_questions, start_runtime
from bot.clock import FixedClock
from bot.domain.org import Organisation
from bot.settings import EXAMPLE_ORG_FILE, Settings
from storage.database import open_database
from tests.conversations.test_practice_question_recovery import (
    LATER,
    WORDS,
    QueuedChat,
    engine_on,
    lose_the_question,
    questions_to,
)
from tests.fakes import deeds
from tests.fakes.process import Cli, cli_env


async def a_lost_question(path: Path, org: Organisation, mocker: MockerFixture) -> str:
    """A database file with one deed whose question was lost; its URL."""
    url = f"sqlite:///{path}"
    database = open_database(url)
    await database.upgrade()
    engine = await engine_on(database, org)
    lose_the_question(mocker)
    await deeds.log_deed(QueuedChat(engine, "asha"), extra=WORDS)
    await database.close()
    mocker.stopall()
    return url


async def asked(url: str) -> int:
    database = open_database(url)
    try:
        return len(await questions_to(database, "asha"))
    finally:
        await database.close()


async def test_a_lost_question_is_asked_when_the_server_starts(
    tmp_path: Path, org: Organisation, mocker: MockerFixture, aiohttp_client: AiohttpClient
) -> None:
    from app.server import create_app

    url = await a_lost_question(tmp_path / "serve.db", org, mocker)
    app = create_app(Settings(database_url=url, org_file=EXAMPLE_ORG_FILE))
    client = await aiohttp_client(app)
    catching_up = app[RUNTIME].catching_up
    assert catching_up is not None
    assert await catching_up == 1
    await client.close()
    assert await asked(url) == 1


async def test_a_command_that_runs_and_exits_asks_nothing(
    tmp_path: Path, org: Organisation, mocker: MockerFixture
) -> None:
    url = await a_lost_question(tmp_path / "command.db", org, mocker)
    settings = Settings(database_url=url, org_file=EXAMPLE_ORG_FILE)
    runtime = await start_runtime(settings, clock=FixedClock(LATER))
    assert runtime.catching_up is None
    await runtime.close()
    assert await asked(url) == 0
    runtime = await start_runtime(settings, clock=FixedClock(LATER), catch_up=True)
    await runtime.close()  # after the work it started
    assert await asked(url) == 1


async def test_the_scheduler_process_asks_them_at_start(
    tmp_path: Path, org: Organisation, mocker: MockerFixture
) -> None:
    path = tmp_path / "sched.db"
    url = await a_lost_question(path, org, mocker)
    cli = await Cli.start("scheduler", env=cli_env(path))
    try:
        await cli.expect("scheduler running")
        await cli.expect("asked 1 lost practice questions", within=60)
    finally:
        cli.process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(cli.process.wait(), 20) == 0
    assert await asked(url) == 1


async def test_what_the_start_asked_rings_the_outbox_bell(
    tmp_path: Path, org: Organisation, mocker: MockerFixture
) -> None:
    url = await a_lost_question(tmp_path / "bell.db", org, mocker)
    settings = Settings(database_url=url, org_file=EXAMPLE_ORG_FILE)
    runtime = await start_runtime(settings, clock=FixedClock(LATER))
    bell = asyncio.Event()
    try:
        assert await ask_lost_questions(runtime.engine, bell) == 1
    finally:
        await runtime.close()
    assert bell.is_set()
    quiet = asyncio.Event()  # nothing left to ask: nothing to ring for
    runtime = await start_runtime(settings, clock=FixedClock(LATER))
    try:
        assert await ask_lost_questions(runtime.engine, quiet) == 0
    finally:
        await runtime.close()
    assert not quiet.is_set()
