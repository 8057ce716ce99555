"""The aiohttp server: /healthz, start-up on the example organisation, clean SIGTERM."""

from __future__ import annotations

import asyncio
import json
import signal
import socket
from pathlib import Path

import aiohttp
from pytest_aiohttp import AiohttpClient
from pytest_mock import MockerFixture

from adapters.server import create_app
from bot.settings import EXAMPLE_ORG_FILE, Settings
from tests.process import Cli, cli_env


def _settings(tmp_path: Path) -> Settings:
    return Settings(database_url=f"sqlite:///{tmp_path / 'server.db'}", org_file=EXAMPLE_ORG_FILE)


async def test_healthz_reports_database_adapters_and_version(
    tmp_path: Path, aiohttp_client: AiohttpClient
) -> None:
    client = await aiohttp_client(create_app(_settings(tmp_path)))
    response = await client.get("/healthz")
    assert response.status == 200
    body = await response.json()
    assert body["database"] is True and body["status"] == "ok"
    assert body["version"] == "0.1.0"
    assert body["organisation"] == "Riverside Stores"
    assert set(body["adapters"]) >= {"slack", "teams"}


async def test_healthz_says_503_when_the_database_is_unreachable(
    tmp_path: Path, aiohttp_client: AiohttpClient, mocker: MockerFixture
) -> None:
    client = await aiohttp_client(create_app(_settings(tmp_path)))
    mocker.patch("storage.database.Database.reachable", return_value=False)
    response = await client.get("/healthz")
    assert response.status == 503
    assert (await response.json())["database"] is False


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def test_serve_answers_healthz_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    port = _free_port()
    env = cli_env(tmp_path / "serve.db", EXTRAMILE_PORT=str(port))
    cli = await Cli.start("serve", env=env)
    try:
        await cli.expect("serving Riverside Stores on sqlite")
        async with aiohttp.ClientSession() as session:
            for _ in range(50):
                try:
                    async with session.get(f"http://127.0.0.1:{port}/healthz") as response:
                        status, body = response.status, json.loads(await response.text())
                        break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.1)
        assert status == 200 and body["database"] is True
        cli.process.send_signal(signal.SIGTERM)
        await cli.expect("Extra Mile stopped cleanly")
        assert await asyncio.wait_for(cli.process.wait(), 20) == 0
    finally:
        if cli.process.returncode is None:
            await cli.kill()
    assert (tmp_path / "serve.db").exists()
