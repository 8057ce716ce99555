"""`extramile serve` listens on this machine only unless EXTRAMILE_HOST (or --host) says
otherwise: a fresh install is not reachable from the network."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import aiohttp
import pytest

from tests.fakes.process import Cli, cli_env
from tests.fakes.teams_harness import non_loopback_address


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("0.0.0.0", 0))
        port: int = sock.getsockname()[1]
        return port


async def _status(url: str) -> int | None:
    """The /healthz status at `url`; None if nothing listens there."""
    async with aiohttp.ClientSession() as session:
        try:
            async with session.get(url, timeout=aiohttp.ClientTimeout(total=10)) as response:
                return response.status
        except aiohttp.ClientConnectionError:
            return None


async def _serving(cli: Cli, host: str, port: int) -> str:
    """Wait until the server answers at `host` (where it says it listens); return that line."""
    said = await cli.expect(f"port {port}")
    async with asyncio.timeout(20):
        while True:
            if await _status(f"http://{host}:{port}/healthz") is not None:
                return said
            await asyncio.sleep(0.1)  # polling a port: there is nothing to wait on


@pytest.fixture
def address() -> str:
    found = non_loopback_address()
    if found is None:
        pytest.skip("this machine has no non-loopback IPv4 address")
    return found


async def test_by_default_serve_listens_on_loopback_only(tmp_path: Path, address: str) -> None:
    port = _free_port()
    cli = await Cli.start("serve", env=cli_env(tmp_path / "a.db", EXTRAMILE_PORT=str(port)))
    try:
        said = await _serving(cli, "127.0.0.1", port)
        assert f"listening on 127.0.0.1 port {port}" in said
        assert await _status(f"http://127.0.0.1:{port}/healthz") == 200
        assert await _status(f"http://{address}:{port}/healthz") is None
    finally:
        await cli.kill()


@pytest.mark.parametrize("how", ["environment", "option"])
async def test_extramile_host_or_the_option_chooses_the_address(
    tmp_path: Path, address: str, how: str
) -> None:
    port = _free_port()
    env = cli_env(tmp_path / "b.db", EXTRAMILE_PORT=str(port))
    args = ["serve"]
    if how == "environment":
        env["EXTRAMILE_HOST"] = address
    else:
        env["EXTRAMILE_HOST"] = "127.0.0.1"
        args += ["--host", address]  # the option overrides the setting
    cli = await Cli.start(*args, env=env)
    try:
        said = await _serving(cli, address, port)
        assert f"listening on {address} port {port}" in said
        assert await _status(f"http://{address}:{port}/healthz") == 200
        assert await _status(f"http://127.0.0.1:{port}/healthz") is None
    finally:
        await cli.kill()
