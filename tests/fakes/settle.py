"""Waiting until a server has nothing left to send, instead of sleeping for a while.

A test that asserts something did *not* happen (no second reply, no doubled delivery)
must first let everything that could still happen finish. A fixed sleep guesses how
long that takes; these wait for the thing itself:

- the adapters' work after the ack (SlackBot.drain, TeamsBot.drain): each turn has
  committed, so what it queued is in the outbox, and the replies shown in place are out;
- the outbox: no message pending, that is none due, none claimed by a worker (a dead
  worker's included: it is taken up again when its lease ends, checked, and sent or
  not) and none waiting for a retry. A message is marked sent only after the platform
  took it, so once none is pending the outbox has nothing left that could reach a
  platform.
"""

from __future__ import annotations

import asyncio

import aiohttp
from aiohttp import web
from sqlmodel import select

from adapters.slack.mount import SLACK_BOT
from adapters.state import RUNTIME
from adapters.teams.mount import TEAMS
from storage.database import Database
from storage.tables import OutboxRow
from storage.uow import UnitOfWork


async def outbox_settled(database: Database, within: float = 10.0) -> None:
    """Until no message in the outbox is pending (due, leased, or waiting to retry)."""
    async with asyncio.timeout(within):
        while True:
            async with UnitOfWork(database) as uow:
                statuses = (await uow.session.exec(select(OutboxRow.status))).all()
            if "pending" not in statuses:
                return
            await asyncio.sleep(0.05)


async def server_settled(app: web.Application, within: float = 10.0) -> None:
    """Until an in-process server has finished every turn and delivered what it queued."""
    if SLACK_BOT in app:
        await app[SLACK_BOT].drain()
    if TEAMS in app:
        await app[TEAMS].drain()  # without loading botbuilder for a Teams never used
    await app[RUNTIME].engine.settled()  # the work after its answers
    await outbox_settled(app[RUNTIME].database, within)


async def outbox_settled_at(port: int, within: float = 60.0) -> None:
    """Until a running `extramile serve` on `port` reports, on /healthz, nothing pending
    in the outbox (which all workers on its database share).

    Two workers may both hold a message whose first lease ran out; the second send may
    still be on its way when the first marks it sent. Stopping the servers (SIGTERM)
    lets a dispatcher's round finish, so a test that asserts after they stopped sees it.
    """
    async with asyncio.timeout(within), aiohttp.ClientSession() as session:
        while True:
            try:
                async with session.get(f"http://127.0.0.1:{port}/healthz") as response:
                    body = await response.json()
            except aiohttp.ClientError:
                body = {}
            outbox = body.get("outbox")
            if outbox is not None and not outbox.get("pending"):
                return
            await asyncio.sleep(0.1)
