"""Mount Slack on the aiohttp server: POST /slack/events (HTTP mode) and Socket Mode."""

from __future__ import annotations

import codecs
import hashlib
import logging
from collections.abc import AsyncIterator, Sequence
from functools import partial

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.request.internals import (
    build_normalized_headers,
    extract_content_type,
    parse_body,
)
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from adapters.intake import inbox_of, written
from adapters.slack.app import SlackBot
from adapters.slack.emails import resolve_by_email
from adapters.slack.messenger import SlackMessenger
from adapters.slack.payloads import payload_kind, payload_problem
from adapters.slack.signature import TIMESTAMP, SlackSignature
from adapters.slack.workspace import UNREACHABLE, WorkspaceGuard
from adapters.state import MESSENGERS, MOUNTED, OUTBOX_BELL, RUNTIME, SETTINGS
from bot.intake import Arrival
from bot.settings import Settings

log = logging.getLogger(__name__)

SLACK_BOT = web.AppKey("slack_bot", SlackBot)
GUARD = web.AppKey("slack_guard", WorkspaceGuard)
PATH = "/slack/events"
# Run at once, not through the inbox: payloads whose answer is the ack itself (a modal's
# errors or next view, an options list, Slack's URL check), and clicks and shortcuts,
# which change the card in place or open a modal (its trigger expires in 3 seconds).
IN_THE_ACK = frozenset(
    {
        "view_submission",
        "block_suggestion",
        "dialog_suggestion",
        "url_verification",
        "ssl_check",
        "block_actions",
        "shortcut",
        "message_action",
    }
)
# What a replay needs of the request's headers (bolt parses by the content type).
KEPT_HEADERS = ("content-type", "x-slack-retry-num", "x-slack-retry-reason")


SLACK_SIGNATURE = web.AppKey("slack_signature", SlackSignature)


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
        logger=_sdk_logger(),
    )


def _sdk_logger() -> logging.Logger:
    """slack_sdk's client logger with its level set from the effective one. slack_sdk asks
    `logger.level <= DEBUG`, not `isEnabledFor`: at the default level (NOTSET, 0) every
    call formats its whole request and response for a debug line nobody sees (a third of
    the cost of chat.postMessage, profiled with py-spy)."""
    logger = logging.getLogger("slack_sdk.web.async_client")
    logger.setLevel(logger.getEffectiveLevel())
    return logger


def build_bolt_app(settings: Settings, session: aiohttp.ClientSession | None = None) -> AsyncApp:
    secret = settings.slack_signing_secret
    return AsyncApp(
        client=web_client(settings, retry_rate_limits=True, session=session),
        signing_secret=secret.get_secret_value() if secret else None,
        # slack_events checks every HTTP request's signature over its raw bytes before bolt
        # sees it (Socket Mode and inbox replays are not signed): not again in bolt.
        request_verification_enabled=False,
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
        app[SLACK_SIGNATURE] = SlackSignature(
            settings.slack_signing_secret.get_secret_value().encode()
        )
        app.router.add_post(PATH, slack_events)
    app.cleanup_ctx.append(_slack_ctx)


async def _slack_ctx(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    runtime = app[RUNTIME]
    # One HTTP session for every call to Slack: kept-alive connections.
    session = aiohttp.ClientSession()
    bot = SlackBot(
        engine=runtime.engine,
        store=runtime.delivery,
        app=build_bolt_app(settings, session),
        outbox_bell=app[OUTBOX_BELL],
    )
    # Before any payload is dispatched (HTTP or Socket Mode): other workspaces refused.
    guard = WorkspaceGuard(team_id=settings.slack_team_id, client=bot.app.client)
    await guard.start()
    bot.app.use(guard)
    await resolve_by_email(bot.app.client, runtime.engine)
    app[SLACK_BOT] = bot
    app[GUARD] = guard
    worker = inbox_of(app)
    if worker is not None:
        worker.handlers["slack"] = partial(replay, bot)
        bot.waits_for(worker.drain)
    app[MOUNTED]["slack"] = True
    app[MESSENGERS]["slack"] = SlackMessenger(
        client=web_client(settings, retry_rate_limits=False, session=session),
        store=runtime.delivery,
    )
    socket: AsyncSocketModeHandler | None = None
    if settings.slack_app_token is not None:
        socket = AsyncSocketModeHandler(bot.app, settings.slack_app_token.get_secret_value())
        await socket.connect_async()  # type: ignore[no-untyped-call]
        log.info("Slack Socket Mode connected")
    yield
    if socket is not None:
        await socket.close_async()  # type: ignore[no-untyped-call]
    await bot.drain(inbox=False)  # what the inbox holds waits there for the next start
    await session.close()


async def slack_events(request: web.Request) -> web.Response:
    """Slack's HTTP route. The signature is checked over the raw bytes before anything
    is decoded or parsed; whatever is malformed after that is a 400 (a warning in the
    log, never a traceback), since Slack would only send it again."""
    stamp = request.headers.get("X-Slack-Request-Timestamp")
    signature = request.headers.get("X-Slack-Signature")
    if stamp is None or signature is None:
        return web.Response(status=401, text="invalid request")
    if not TIMESTAMP.fullmatch(stamp):
        log.warning("Slack request with a malformed timestamp header")
        return web.Response(status=400, text="malformed X-Slack-Request-Timestamp")
    raw = await request.read()
    if not request.app[SLACK_SIGNATURE].valid(stamp, raw, signature):
        return web.Response(status=401, text="invalid request")
    text = _utf8(raw, request.charset)
    if text is None:
        return web.Response(status=400, text="the body must be UTF-8")
    headers: dict[str, str | Sequence[str]] = {
        k.lower(): request.headers.getall(k) for k in request.headers
    }
    try:
        body = parse_body(text, extract_content_type(build_normalized_headers(headers)))
    except ValueError:  # JSON that does not parse
        log.warning("Slack request with a malformed body")
        return web.Response(status=400, text="malformed body")
    problem = payload_problem(body)
    if problem is not None:
        return web.Response(status=400, text=problem)
    if await _written(request.app, body, text, request.query_string, headers):
        return web.Response(status=200)
    bot = request.app[SLACK_BOT]
    try:
        bolt_request = AsyncBoltRequest(body=text, query=request.query_string, headers=headers)
    except (ValueError, TypeError, AttributeError, KeyError, IndexError) as error:
        # payload_problem checks what bolt reads; this catches any shape it missed.
        log.warning("Slack payload bolt cannot read: %s", type(error).__name__)
        return web.Response(status=400, text="malformed payload")
    response = await bot.app.async_dispatch(bolt_request)
    return await to_aiohttp_response(response)


async def _written(
    app: web.Application,
    body: dict[str, object],
    text: str,
    query: str,
    headers: dict[str, str | Sequence[str]],
) -> bool:
    """Written to the inbox, to be acknowledged at once: not when the inbox is off, the
    payload's answer is the ack (a modal's, or a command's in the bot's DM), it is from
    another workspace, or the database is away."""
    worker = inbox_of(app)
    # payload_problem has checked what the replay reads (bolt, the listeners).
    arrival = None if worker is None else _arrival(body, text, query, headers)
    return (
        worker is not None
        and arrival is not None
        and await _ours(app, body)
        and not await app[SLACK_BOT].answers_in_ack(body)
        and await written(worker, arrival)
    )


async def _ours(app: web.Application, body: dict[str, object]) -> bool:
    """From the installed workspace (else bolt answers it at once, politely refusing)."""
    try:
        return await app[GUARD].admits(body)
    except UNREACHABLE:
        return False


def _arrival(
    body: dict[str, object], text: str, query: str, headers: dict[str, str | Sequence[str]]
) -> Arrival | None:
    """The request as the inbox keeps it; None for one answered in the ack."""
    kind = payload_kind(body)
    if kind in IN_THE_ACK or "ssl_check" in body:
        return None
    trigger = body.get("trigger_id")
    if body.get("event_id"):
        key = f"slack:event:{body['event_id']}"
    elif isinstance(trigger, str) and trigger:
        key = f"slack:{kind}:{trigger}"
    else:
        key = "slack:body:" + hashlib.sha256(text.encode()).hexdigest()
    kept = {k: v for k, v in headers.items() if k in KEPT_HEADERS}
    return Arrival("slack", key, _lane(body), text, {"headers": kept, "query": query})


def _lane(body: dict[str, object]) -> str:
    """A conversation whose messages are replayed in order (a DM's: "log", then the
    answer to its question); "" for the rest (commands, App Home), replayed as they come,
    as Slack sends them: concurrently."""
    event = body.get("event")
    if isinstance(event, dict) and event.get("type") == "message":
        return f"{event.get('channel', '')}:{event.get('user', '')}"
    return ""


async def replay(bot: SlackBot, arrival: Arrival) -> bool:
    """A request from the inbox through bolt (its middleware, the workspace guard, the
    listeners, the engine), as when it arrived. Its signature was checked before it was
    written; bolt's own check (which refuses anything older than five minutes) is
    skipped the way bolt skips it for Socket Mode."""
    meta = arrival.meta
    headers = meta.get("headers")
    request = AsyncBoltRequest(
        body=arrival.body,
        query=str(meta.get("query", "")),
        headers=headers if isinstance(headers, dict) else {},
        mode="socket_mode",
    )
    response = await bot.app.async_dispatch(request)
    return response.status < 500


def _utf8(raw: bytes, charset: str | None) -> str | None:
    """The body as text: Slack sends UTF-8, so any other charset named is refused."""
    if charset is not None:
        try:
            name = codecs.lookup(charset).name
        except LookupError:
            name = None
        if name not in ("utf-8", "ascii"):
            log.warning("Slack request in charset %r, not UTF-8", charset[:40])
            return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        log.warning("Slack request body is not UTF-8")
        return None
