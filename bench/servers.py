"""Servers under test as real processes: `extramile serve` and the bare baselines, each
started, waited for, measured (resident memory) and stopped like a deployment would."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from dataclasses import dataclass
from pathlib import Path

import aiohttp

from tests.fakes.fake_slack import SIGNING_SECRET, TOKEN

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass(eq=False)  # compared and hashed by identity
class Server:
    name: str
    process: asyncio.subprocess.Process
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @classmethod
    async def start(
        cls, name: str, args: list[str], *, env: dict[str, str], log: Path, port: int
    ) -> Server:
        with log.open("wb") as out:
            process = await asyncio.create_subprocess_exec(
                sys.executable, *args, cwd=ROOT, env={**os.environ, **env}, stdout=out, stderr=out
            )
        server = cls(name, process, port, log)
        await server.ready()
        return server

    async def ready(self, within: float = 60) -> None:
        async with asyncio.timeout(within), aiohttp.ClientSession() as session:
            while True:
                if self.process.returncode is not None:
                    raise RuntimeError(f"{self.name} exited:\n{self.log.read_text()[-2000:]}")
                try:
                    async with session.get(f"{self.url}/healthz") as response:
                        if response.status == 200:
                            return
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.2)

    def rss_mb(self) -> float:
        """Resident set size, from /proc (Linux)."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def cpu_seconds(self) -> float:
        """User and system CPU time the process has used so far, from /proc (Linux)."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    async def stop(self) -> None:
        if self.process.returncode is None:
            self.process.terminate()
            try:
                await asyncio.wait_for(self.process.wait(), 20)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()


async def extramile(
    name: str,
    tmp: Path,
    *,
    database_url: str,
    slack_api: str,
    port: int | None = None,
    env: dict[str, str] | None = None,
) -> Server:
    """`extramile serve` with Slack and Teams (emulator) on; `env` adds or overrides."""
    extra = env or {}
    port = port or free_port()
    env = {
        "EXTRAMILE_DATABASE_URL": database_url,
        "EXTRAMILE_PORT": str(port),
        "EXTRAMILE_LOG_LEVEL": "WARNING",  # like the baselines: no access log
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack_api,
        "EXTRAMILE_TEAMS_EMULATOR": "1",  # Teams without credentials, from this machine only
        "PYTHONUNBUFFERED": "1",
        **extra,
    }
    args = ["-m", "app", "serve", "--no-scheduler"]
    return await Server.start(name, args, env=env, log=tmp / f"{name}.log", port=port)


async def bare(kind: str, tmp: Path, *, slack_api: str = "", reply: Path | None = None) -> Server:
    """A baseline (bench/bare.py): slack, slack-post and slack-ack (given `reply`), teams."""
    port = free_port()
    args = ["-m", "bench.bare", kind, str(port), slack_api, *([str(reply)] if reply else [])]
    return await Server.start(f"bare-{kind}", args, env={}, log=tmp / f"bare-{kind}.log", port=port)
