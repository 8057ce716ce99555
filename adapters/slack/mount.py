"""Mount Slack on the aiohttp server: POST /slack/events (HTTP mode) and Socket Mode."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Sequence

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.app import SlackBot, payload_problem
from adapters.slack.messenger import SlackMessenger
from adapters.state import MESSENGERS, MOUNTED, RUNTIME, SETTINGS
from bot.settings import Settings

log = logging.getLogger(__name__)

SLACK_BOT = web.AppKey("slack_bot", SlackBot)
SLACK_VERIFIER = web.AppKey("slack_verifier", SignatureVerifier)
PATH = "/slack/events"


def web_client(
    settings: Settings, *, retry_rate_limits: bool, session: aiohttp.ClientSession | None = None
) -> AsyncWebClient:
    """slack_sdk's async client; give it a `session` to reuse connections (without one
    it opens a new connection, and a new aiohttp session, for every call)."""
    assert settings.slack_bot_token is not None
    # The reply path retries a 429 once or twice; the outbox handles Retry-After itself.
    handlers: list[AsyncRetryHandler] = (
        [AsyncRateLimitErrorRetryHandler(max_retry_count=2)] if retry_rate_limits else []
    )
    return AsyncWebClient(
        token=settings.slack_bot_token.get_secret_value(),
        base_url=settings.slack_api_url,
        retry_handlers=handlers,
        session=session,
    )


def build_bolt_app(settings: Settings, session: aiohttp.ClientSession | None = None) -> AsyncApp:
    secret = settings.slack_signing_secret
    return AsyncApp(
        client=web_client(settings, retry_rate_limits=True, session=session),
        signing_secret=secret.get_secret_value() if secret else None,
        request_verification_enabled=secret is not None,
        raise_error_for_unhandled_request=False,
        # Answer when the listener returns; listeners return right after their ack
        # (see adapters.slack.app).
        process_before_response=True,
    )


def mount_slack(app: web.Application, settings: Settings) -> None:
    """Add Slack's route and start-up to the server, if Slack is configured."""
    if not settings.slack_enabled:
        return
    if settings.slack_signing_secret is not None:
        app[SLACK_VERIFIER] = SignatureVerifier(settings.slack_signing_secret.get_secret_value())
        app.router.add_post(PATH, slack_events)
    app.cleanup_ctx.append(_slack_ctx)


async def _slack_ctx(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    runtime = app[RUNTIME]
    # One HTTP session for every call to Slack: kept-alive connections.
    session = aiohttp.ClientSession()
    bot = SlackBot(
        engine=runtime.engine, database=runtime.database, app=build_bolt_app(settings, session)
    )
    app[SLACK_BOT] = bot
    app[MOUNTED]["slack"] = True
    app[MESSENGERS]["slack"] = SlackMessenger(
        client=web_client(settings, retry_rate_limits=False, session=session),
        database=runtime.database,
    )
    socket: AsyncSocketModeHandler | None = None
    if settings.slack_app_token is not None:
        socket = AsyncSocketModeHandler(bot.app, settings.slack_app_token.get_secret_value())
        await socket.connect_async()  # type: ignore[no-untyped-call]
        log.info("Slack Socket Mode connected")
    yield
    if socket is not None:
        await socket.close_async()  # type: ignore[no-untyped-call]
    await bot.drain()
    await session.close()


async def slack_events(request: web.Request) -> web.Response:
    bot = request.app[SLACK_BOT]
    body = await request.text()
    headers: dict[str, str | Sequence[str]] = {
        k.lower(): request.headers.getall(k) for k in request.headers
    }
    # Signature first (bolt checks it again): nothing unsigned is even parsed.
    if not request.app[SLACK_VERIFIER].is_valid_request(body, dict(request.headers)):
        return web.Response(status=401, text="invalid request")
    try:
        bolt_request = AsyncBoltRequest(body=body, query=request.query_string, headers=headers)
    except (ValueError, json.JSONDecodeError):
        return web.Response(status=400, text="malformed body")
    problem = payload_problem(bolt_request.body)
    if problem is not None:
        return web.Response(status=400, text=problem)
    response = await bot.app.async_dispatch(bolt_request)
    return await to_aiohttp_response(response)
