"""The baselines, each run as its own process like `extramile serve`:

    python -m bench.bare slack PORT SLACK_API_URL   a bare slack-bolt AsyncApp, no-op command
    python -m bench.bare slack-post PORT SLACK_API_URL REPLY.json
                                  the same, doing the visible work Extra Mile does: it acks,
                                  then posts REPLY (chat.postMessage's arguments, as Extra
                                  Mile posted them) through slack_sdk
    python -m bench.bare slack-ack PORT SLACK_API_URL REPLY.json
                                  the reply in the ack body instead (slash commands allow it)
    python -m bench.bare teams PORT                 a bare botbuilder ActivityHandler

All on the same aiohttp stack as Extra Mile's server.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from aiohttp import web
from botbuilder.core import ActivityHandler
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from tests.fakes.fake_slack import SIGNING_SECRET, TOKEN


class EmulatorConfig:
    """botbuilder's configuration attributes, with no credentials (emulator mode). Not
    Extra Mile's own class: the baseline must not import the bot."""

    APP_ID = None
    APP_PASSWORD = None
    APP_TYPE = "MultiTenant"
    APP_TENANTID = None


def bare_slack(
    api_url: str, kind: str = "slack", reply: dict[str, Any] | None = None
) -> web.Application:
    bolt = AsyncApp(
        client=AsyncWebClient(token=TOKEN, base_url=api_url), signing_secret=SIGNING_SECRET
    )
    answer = {k: v for k, v in (reply or {}).items() if k in ("text", "blocks")}

    if kind == "slack-post":

        @bolt.command("/extramile")
        async def post(
            ack: Callable[[], Awaitable[None]], command: dict[str, Any], client: AsyncWebClient
        ) -> None:
            await ack()
            await client.chat_postMessage(channel=command["channel_id"], **answer)

    elif kind == "slack-ack":

        @bolt.command("/extramile")
        async def in_ack(ack: Callable[..., Awaitable[None]]) -> None:
            await ack(**answer)

    else:

        @bolt.command("/extramile")
        async def noop(ack: Callable[[], Awaitable[None]]) -> None:
            await ack()

    async def events(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await bolt.async_dispatch(await to_bolt_request(request)))

    async def healthz(_: web.Request) -> web.Response:
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/slack/events", events)
    app.router.add_get("/healthz", healthz)
    return app


def bare_teams() -> web.Application:
    adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(EmulatorConfig()))
    handler = ActivityHandler()  # a no-op bot

    async def messages(request: web.Request) -> web.StreamResponse:
        return await adapter.process(request, handler) or web.Response(status=201)

    async def healthz(_: web.Request) -> web.Response:
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/api/messages", messages)
    app.router.add_get("/healthz", healthz)
    return app


if __name__ == "__main__":
    kind, port = sys.argv[1], int(sys.argv[2])
    reply = json.loads(Path(sys.argv[4]).read_text()) if sys.argv[4:] else None
    # "slack-uvloop": the no-op on the event loop `extramile serve` runs on.
    on_uvloop = kind.endswith("-uvloop")
    kind = kind.removesuffix("-uvloop")
    application = bare_teams() if kind == "teams" else bare_slack(sys.argv[3], kind, reply)
    loop = None
    if on_uvloop:
        import uvloop

        loop = uvloop.new_event_loop()
    web.run_app(application, host="127.0.0.1", port=port, print=None, access_log=None, loop=loop)
