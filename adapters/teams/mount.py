"""Mount Teams on the aiohttp server: POST /api/messages through botbuilder's CloudAdapter."""

from __future__ import annotations

import hashlib
import json
import logging
import re
import secrets
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from functools import partial

from aiohttp import web
from azure.core.exceptions import DeserializationError
from botbuilder.core import TurnContext, serializer_helper
from botbuilder.integration.aiohttp import (
    CloudAdapter,
    ConfigurationBotFrameworkAuthentication,
)
from botbuilder.schema import Activity
from botframework.connector.auth import (
    AuthenticateRequestResult,
    ChannelValidation,
    ClaimsIdentity,
)

from adapters.background import Background
from adapters.intake import inbox_of, write
from adapters.state import LINKS, MESSENGERS, MOUNTED, NOTES, RUNTIME, SETTINGS
from adapters.teams.bot import TeamsBot
from adapters.teams.messenger import TeamsMessenger
from adapters.teams.translate import activity_problem
from adapters.teams.trust import is_loopback_address, is_loopback_url, relayed, same_service_url
from bot.intake import Arrival, current_row
from bot.serving import is_unavailable
from bot.settings import Settings

log = logging.getLogger(__name__)

PATH = "/api/messages"
# Seconds a message written to the inbox waits for its turn before it is acknowledged
# anyway (Bot Framework waits about 15): an idle bot answers once the turn is done, a
# busy one at once, and the inbox absorbs the burst.
TURN_WAIT = 2.0
# A JWT in compact form after "Bearer ": checked before the body is read.
_BEARER = re.compile(r"Bearer [A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")


@dataclass(frozen=True)
class BotFrameworkConfig:
    """The attribute names botbuilder's configuration classes read."""

    APP_ID: str | None
    APP_PASSWORD: str | None
    APP_TYPE: str
    APP_TENANTID: str | None


@dataclass(frozen=True)
class TeamsMount:
    adapter: CloudAdapter
    bot: TeamsBot
    emulator: bool  # unauthenticated: loopback callers and loopback serviceUrls only


TEAMS = web.AppKey("teams", TeamsMount)


def bot_framework_config(settings: Settings) -> BotFrameworkConfig:
    password = settings.microsoft_app_password
    return BotFrameworkConfig(
        APP_ID=settings.microsoft_app_id or None,
        APP_PASSWORD=password.get_secret_value() if password else None,
        APP_TYPE=settings.microsoft_app_type,
        APP_TENANTID=settings.microsoft_app_tenant_id,
    )


def mount_teams(app: web.Application, settings: Settings) -> None:
    """Add Teams' route and start-up to the server, if Teams is configured: credentials,
    or the local emulator mode asked for by name (EXTRAMILE_TEAMS_EMULATOR=1)."""
    if not settings.teams_enabled:
        app[NOTES]["teams_auth"] = "off"
        return
    app.router.add_post(PATH, teams_messages)
    app.cleanup_ctx.append(_teams_ctx)


async def _teams_ctx(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    runtime = app[RUNTIME]
    adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(bot_framework_config(settings)))
    adapter.on_turn_error = _on_turn_error
    worker = inbox_of(app)
    # Draining the replies (tests) waits for the inbox's messages to be replayed first.
    background = Background("Teams replies", first=worker.drain if worker else None)
    bot = TeamsBot(
        engine=runtime.engine,
        store=runtime.delivery,
        app_id=settings.microsoft_app_id,
        links=app[LINKS],
        public_url=settings.public_url or f"http://localhost:{settings.port}",
        background=background,
    )
    emulator = settings.teams_emulator_mode
    app[TEAMS] = TeamsMount(adapter=adapter, bot=bot, emulator=emulator)
    app[MOUNTED]["teams"] = True
    app[NOTES]["teams_auth"] = "emulator (no credentials)" if emulator else "authenticated"
    if emulator:
        log.warning(
            "Teams runs in local emulator mode (EXTRAMILE_TEAMS_EMULATOR=1, no MicrosoftAppId): "
            "requests without a token are accepted, from loopback callers only, and answered "
            "only at loopback serviceUrls. Never use this mode where others can reach the bot."
        )
    elif settings.teams_emulator:
        log.warning(
            "EXTRAMILE_TEAMS_EMULATOR is ignored: MicrosoftAppId is set, so every Teams "
            "request must carry a valid Bot Framework token"
        )
    app[MESSENGERS]["teams"] = TeamsMessenger(
        adapter=adapter,
        bot=bot,
        store=runtime.delivery,
        app_id=settings.microsoft_app_id,
        tenant_id=settings.microsoft_app_tenant_id,
        service_url_allowed=is_loopback_url if emulator else None,
    )
    if worker is not None:
        worker.handlers["teams"] = partial(replay, app[TEAMS])
    yield
    await background.drain(first=False)  # what the inbox holds waits for the next start


UNAVAILABLE = (
    "Sorry, I can't reach my records just now, so nothing was saved. Please try again in a minute."
)


async def teams_messages(request: web.Request) -> web.StreamResponse:
    """Who is calling before what they sent: the caller (and, with credentials, the token's
    form) before the body is read, the token before the body becomes an Activity, and the
    serviceUrl before anything is sent anywhere."""
    mount: TeamsMount = request.app[TEAMS]
    auth_header = request.headers.get("Authorization", "")
    if mount.emulator:
        if relayed(request.headers) or not is_loopback_address(request.remote):
            log.warning("Teams request refused: emulator mode answers loopback callers only")
            return web.Response(status=403, text="forbidden")
    elif not _BEARER.fullmatch(auth_header):
        log.warning("Teams request refused: no bearer token")
        return web.Response(status=401, text="unauthorized")
    if "application/json" not in request.headers.get("Content-Type", ""):
        return web.Response(status=415, text="expected application/json")
    try:
        # json reads UTF-8 (and -16/-32) bytes itself: the declared charset plays no part.
        body = json.loads(await request.read())
    except (ValueError, RecursionError):
        return web.Response(status=400, text="malformed JSON")
    if not isinstance(body, dict) or not body.get("type"):
        return web.Response(status=400, text="not an activity")
    result = await _authenticate(mount, body, auth_header)
    if result is None:
        return web.Response(status=401, text="unauthorized")
    problem = activity_problem(body)
    if problem is not None:
        log.info("Teams request refused as malformed: %s", problem)
        return web.Response(status=400, text=f"not a valid activity: {problem}")
    refusal = _refuse_service_url(mount, result, body["serviceUrl"])
    if refusal is not None:
        return refusal
    try:
        activity = Activity().deserialize(body)
    except (DeserializationError, ValueError, TypeError, AttributeError) as error:
        log.info("Teams request refused as malformed: %s", type(error).__name__)
        return web.Response(status=400, text="not a valid activity")
    if await _through_inbox(request.app, activity, body, result):
        return web.Response(status=201)
    invoke_response = await mount.adapter.process_activity(result, activity, mount.bot.on_turn)
    if invoke_response is None:
        return web.Response(status=201)
    return web.json_response(serializer_helper(invoke_response.body), status=invoke_response.status)


async def _through_inbox(
    app: web.Application,
    activity: Activity,
    body: dict[str, object],
    result: AuthenticateRequestResult,
) -> bool:
    """A message (whose answer is not the HTTP response, as an invoke's is) written to
    the inbox, if it is on: True once its turn is done or after TURN_WAIT, whichever
    comes first. False if it is to be handled at once (also when the database is away:
    the turn then fails as it would without an inbox, and the person is told)."""
    worker = inbox_of(app)
    if worker is None or activity.type != "message":
        return False
    try:
        await write(worker, _arrival(activity, body, result), wait=TURN_WAIT)
    except Exception as error:
        log.warning("could not write a Teams message to the inbox: %s", error)
        return False
    return True


def _arrival(
    activity: Activity, body: dict[str, object], result: AuthenticateRequestResult
) -> Arrival:
    """The activity as the inbox keeps it, with its token's claims (not the token)."""
    text = json.dumps(body)
    conversation = activity.conversation.id if activity.conversation else ""
    key = (
        f"teams:{conversation}:{activity.id}"
        if activity.id
        else "teams:body:" + hashlib.sha256(text.encode()).hexdigest()
    )
    sender = activity.from_property
    lane = (sender.aad_object_id or sender.id or "") if sender else ""
    claims = result.claims_identity
    identity = {
        "claims": claims.claims if claims else {},
        "authenticated": bool(claims and claims.is_authenticated),
        "type": claims.authentication_type if claims else None,
        "audience": result.audience,
        "caller_id": result.caller_id,
    }
    return Arrival("teams", key, lane, text, {"identity": identity})


async def replay(mount: TeamsMount, arrival: Arrival) -> bool:
    """A message from the inbox through botbuilder, as the identity its token proved."""
    identity = arrival.meta.get("identity")
    if not isinstance(identity, Mapping):
        return True  # nothing to act as: dropped
    claims = ClaimsIdentity(
        dict(identity.get("claims") or {}),
        bool(identity.get("authenticated")),
        identity.get("type"),
    )
    result = AuthenticateRequestResult()
    result.claims_identity = claims
    result.audience = identity.get("audience")
    result.caller_id = identity.get("caller_id")
    authentication = mount.adapter.bot_framework_authentication
    result.connector_factory = authentication.create_connector_factory(claims)
    activity = Activity().deserialize(json.loads(arrival.body))
    await mount.adapter.process_activity(result, activity, mount.bot.on_turn)
    return True


async def _authenticate(
    mount: TeamsMount, body: dict[str, object], auth_header: str
) -> AuthenticateRequestResult | None:
    """botbuilder's check of the token (None if it fails), before the body is an Activity.

    Here rather than in CloudAdapter.process: the SDK lets a bad signature or an expired
    token escape as a 500 (and the channel retries it). It needs only the channel id (the
    signing key must endorse it); the serviceUrl is compared afterwards, normalised."""
    channel_id = body.get("channelId")
    probe = Activity(channel_id=channel_id if isinstance(channel_id, str) else None)
    authentication = mount.adapter.bot_framework_authentication
    try:
        result: AuthenticateRequestResult = await authentication.authenticate_request(
            probe, auth_header
        )
    except Exception as error:  # anything short of proof that Microsoft sent it
        log.warning("Teams request refused: %s: %s", type(error).__name__, error)
        return None
    return result


def _refuse_service_url(
    mount: TeamsMount, result: AuthenticateRequestResult, service_url: str
) -> web.Response | None:
    """Answers go only where the token said the request came from (emulator: loopback)."""
    if mount.emulator:
        if is_loopback_url(service_url):
            return None
        log.warning("Teams request refused: emulator mode answers loopback serviceUrls only")
        return web.Response(status=400, text="serviceUrl must be a loopback address")
    claims = result.claims_identity
    vouched = claims.get_claim_value(ChannelValidation.SERVICE_URL_CLAIM) if claims else None
    if same_service_url(vouched, service_url):
        return None
    log.warning("Teams request refused: its serviceUrl is not the one its token vouched for")
    return web.Response(status=403, text="serviceUrl not vouched for by the token")


async def _on_turn_error(context: TurnContext, error: Exception) -> None:
    if is_unavailable(error) and current_row() is not None:
        raise error  # replayed from the inbox: it is tried again, the person need not know
    if is_unavailable(error):
        # Nothing was saved: say so, and answer the channel with an error (raise).
        await context.send_activity(UNAVAILABLE)
        raise error
    reference = secrets.token_hex(3).upper()
    log.error("Teams turn failed, ref %s", reference, exc_info=error)
    await context.send_activity(
        f"Sorry, something went wrong on my side. Please try again; ref {reference}."
    )
