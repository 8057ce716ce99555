"""The aiohttp server: /healthz, start-up on the example organisation, clean SIGTERM, the
download links (signed with one key per database, never per process) and the access log."""

from __future__ import annotations

import asyncio
import json
import logging
import signal
import socket
from pathlib import Path

import aiohttp
import pytest
from pytest_aiohttp import AiohttpClient
from pytest_mock import MockerFixture

from adapters.links import LinkSigner
from adapters.state import LINKS
from app.server import create_app
from bot.settings import EXAMPLE_ORG_FILE, Settings
from storage import secrets as stored_secrets
from storage.database import Database, open_database
from storage.uow import UnitOfWork
from tests.fakes.process import Cli, cli_env


def _settings(tmp_path: Path) -> Settings:
    return Settings(database_url=f"sqlite:///{tmp_path / 'server.db'}", org_file=EXAMPLE_ORG_FILE)


async def stored_secret(database: Database, name: str) -> bytes:
    """The stored key, read (or made) in a committed unit of work of its own."""
    async with UnitOfWork(database) as uow:
        key = await stored_secrets.stored_secret(uow, name)
        await uow.commit()
    return key


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


# --- download links: one key per database (or EXTRAMILE_LINK_SECRET), never per process ----


async def test_a_link_made_by_one_server_opens_on_another_and_after_a_restart(
    tmp_path: Path, aiohttp_client: AiohttpClient
) -> None:
    settings = _settings(tmp_path)
    first = await aiohttp_client(create_app(settings))
    token = first.server.app[LINKS].token("asha", kind="export")
    assert (await first.get(f"/files/{token}")).status == 200
    second = await aiohttp_client(create_app(settings))  # a second worker
    assert (await second.get(f"/files/{token}")).status == 200
    await first.close()
    await second.close()
    restarted = await aiohttp_client(create_app(settings))
    response = await restarted.get(f"/files/{token}")
    assert response.status == 200
    assert (await response.json())["person"][0]["id"] == "asha"


async def test_the_configured_link_secret_is_used_over_the_stored_one(
    tmp_path: Path, aiohttp_client: AiohttpClient
) -> None:
    one = Settings(
        database_url=f"sqlite:///{tmp_path / 'one.db'}",
        org_file=EXAMPLE_ORG_FILE,
        link_secret="a shared secret for every worker",
    )
    other = one.model_copy(update={"database_url": f"sqlite:///{tmp_path / 'other.db'}"})
    first = await aiohttp_client(create_app(one))
    second = await aiohttp_client(create_app(other))
    token = first.server.app[LINKS].token("asha", kind="export")
    assert (await second.get(f"/files/{token}")).status == 200
    unshared = await aiohttp_client(create_app(_settings(tmp_path)))
    assert (await unshared.get(f"/files/{token}")).status == 404


async def test_two_first_starts_at_once_agree_on_one_stored_secret(database: Database) -> None:
    url = database.engine.url.render_as_string(hide_password=False)
    others = [open_database(url) for _ in range(3)]
    try:
        secrets = await asyncio.gather(
            stored_secret(database, "links"), *(stored_secret(db, "links") for db in others)
        )
    finally:
        for db in others:
            await db.close()
    assert len(set(secrets)) == 1 and len(secrets[0]) >= 32
    assert await stored_secret(database, "another") != secrets[0]


@pytest.mark.parametrize("token", ["été", "%C3%A9t%C3%A9.sig", "abc.%E2%80%AE", "a.b.c", "", "."])
async def test_a_link_that_is_not_ascii_or_not_ours_is_404(
    tmp_path: Path, aiohttp_client: AiohttpClient, token: str, caplog: pytest.LogCaptureFixture
) -> None:
    client = await aiohttp_client(create_app(_settings(tmp_path)))
    response = await client.get(f"/files/{token}")
    assert response.status == 404
    assert [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info] == []


def test_a_signer_refuses_what_it_did_not_sign() -> None:
    signer = LinkSigner(b"k" * 32)
    token = signer.token("asha")
    assert signer.verify(token) is not None
    assert LinkSigner(b"j" * 32).verify(token) is None
    assert signer.verify(token + "é") is None
    assert signer.verify("é" + token) is None


async def _get(url: str) -> int:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        await response.read()
        return response.status


async def _healthy(url: str) -> None:
    async with asyncio.timeout(60):
        while True:
            try:
                if await _get(f"{url}/healthz") == 200:
                    return
            except aiohttp.ClientConnectionError:
                await asyncio.sleep(0.1)


async def test_two_server_processes_started_at_once_share_links_and_log_no_token(
    tmp_path: Path,
) -> None:
    ports = [_free_port(), _free_port()]
    database = tmp_path / "shared.db"
    clis = [
        await Cli.start(
            "serve",
            "--no-scheduler",
            env=cli_env(database, EXTRAMILE_PORT=str(port), EXTRAMILE_LOG_LEVEL="INFO"),
        )
        for port in ports
    ]
    try:
        urls = [f"http://127.0.0.1:{port}" for port in ports]
        await asyncio.gather(*(_healthy(url) for url in urls))
        db = open_database(f"sqlite:///{database}")
        try:
            key = await stored_secret(db, "links")
        finally:
            await db.close()
        token = LinkSigner(key).token("asha", kind="export")
        assert [await _get(f"{url}/files/{token}") for url in urls] == [200, 200]
        for cli in clis:
            logged = await cli.expect('"GET /files/… HTTP/1.1" 200')
            assert token not in logged and token[:20] not in logged
    finally:
        for cli in clis:
            if cli.process.returncode is None:
                await cli.kill()
