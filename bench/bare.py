"""The baselines, each run as its own process like `extramile serve`:

    python -m bench.bare slack PORT SLACK_API_URL   a bare slack-bolt AsyncApp, no-op command
    python -m bench.bare teams PORT                 a bare botbuilder ActivityHandler

Both on the same aiohttp stack as Extra Mile's server.
"""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable

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


def bare_slack(api_url: str) -> web.Application:
    bolt = AsyncApp(
        client=AsyncWebClient(token=TOKEN, base_url=api_url), signing_secret=SIGNING_SECRET
    )

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
    application = bare_slack(sys.argv[3]) if kind == "slack" else bare_teams()
    web.run_app(application, host="127.0.0.1", port=port, print=None, access_log=None)
