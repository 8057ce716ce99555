"""Drive the real `extramile` command as a child process (scripted stdin, read stdout)."""

from __future__ import annotations

import asyncio
import codecs
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
PROMPT = "> "


def cli_env(database: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "Microsoft"))}
    env.pop("EXTRAMILE_ORG_FILE", None)
    return (
        env | {"EXTRAMILE_DATABASE_URL": f"sqlite:///{database}", "PYTHONUNBUFFERED": "1"} | extra
    )


class Cli:
    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.seen = ""
        self._unread = ""
        # A read may end inside a character (a "•" is three bytes): keep its start.
        self._decoder = codecs.getincrementaldecoder("utf-8")()

    @classmethod
    async def start(cls, *args: str, env: dict[str, str]) -> Cli:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "app",
            *args,
            cwd=ROOT,
            env=env,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        return cls(process)

    async def expect(self, needle: str, within: float = 20.0) -> str:
        """Read until `needle` has appeared since the last expect; return what was read."""
        assert self.process.stdout is not None
        async with asyncio.timeout(within):
            while needle not in self._unread:
                chunk = await self.process.stdout.read(4096)
                if not chunk:
                    raise AssertionError(f"ended before {needle!r}; output:\n{self._unread}")
                self._unread += self._decoder.decode(chunk)
        end = self._unread.index(needle) + len(needle)
        read, self._unread = self._unread[:end], self._unread[end:]
        self.seen += read
        return read

    async def send(self, line: str, then: str = PROMPT, *, last: bool = False) -> str:
        """Type a line; read until `then`, and, unless it is the `last` thing printed, on
        to the prompt after it (which may come in a later chunk, and must not be taken
        for the answer to the next line)."""
        assert self.process.stdin is not None
        # Whatever was printed before this input is not an answer to it.
        self.seen += self._unread
        self._unread = ""
        self.process.stdin.write((line + "\n").encode())
        await self.process.stdin.drain()
        answer = await self.expect(then)
        if then != PROMPT and not last:
            answer += await self.expect(PROMPT)
        return answer

    async def kill(self) -> None:
        self.process.kill()
        await self.process.wait()

    async def close(self) -> int:
        if self.process.stdin is not None:
            self.process.stdin.close()
        return await asyncio.wait_for(self.process.wait(), 20)
