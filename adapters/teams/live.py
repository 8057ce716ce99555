"""Teams' side that needs botbuilder (about 22 MB resident, with botframework, msrest,
msal and azure): CloudAdapter, the bot, the outbox's messenger, the token check and the
turn. adapters/teams/mount.py builds it on first use, not at start."""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from aiohttp import web
from azure.core.exceptions import DeserializationError
from botbuilder.core import TurnContext, serializer_helper
from botbuilder.integration.aiohttp import (
    CloudAdapter,
)
from botbuilder.schema import Activity
from botframework.connector.auth import (
    AuthenticateRequestResult,
    ChannelValidation,
    ClaimsIdentity,
)

from adapters.background import Background
from adapters.intake import inbox_of, written
from adapters.links import LinkSigner
from adapters.teams.bot import TeamsBot
from adapters.teams.kept_clients import KeptClientsAuthentication
from adapters.teams.messenger import TeamsMessenger
from adapters.teams.mount import bot_framework_config
from adapters.teams.translate import activity_problem
from adapters.teams.trust import is_loopback_url, same_service_url
from bot.delivery.messenger import DeliveryStore
from bot.engine import Engine
from bot.intake import Arrival, current_row
from bot.serving import is_unavailable
from bot.settings import Settings

log = logging.getLogger(__name__)

# Seconds a message written to the inbox waits for its turn before it is acknowledged
# anyway (Bot Framework waits about 15): an idle bot answers once the turn is done, a
# busy one at once, and the inbox absorbs the burst.
TURN_WAIT = 2.0
UNAVAILABLE = (
    "Sorry, I can't reach my records just now, so nothing was saved. Please try again in a minute."
)


@dataclass(frozen=True)
class Live:
    """Teams once botbuilder is loaded: `emulator` is unauthenticated (loopback callers
    and loopback serviceUrls only)."""

    adapter: CloudAdapter
    bot: TeamsBot
    messenger: TeamsMessenger
    emulator: bool


def build(
    settings: Settings,
    *,
    engine: Engine,
    store: DeliveryStore,
    links: LinkSigner,
    background: Background,
) -> Live:
    adapter = CloudAdapter(KeptClientsAuthentication(bot_framework_config(settings)))
    adapter.on_turn_error = _on_turn_error
    bot = TeamsBot(
        engine=engine,
        store=store,
        app_id=settings.microsoft_app_id,
        links=links,
        public_url=settings.public_url or f"http://localhost:{settings.port}",
        background=background,
    )
    emulator = settings.teams_emulator_mode
    messenger = TeamsMessenger(
        adapter=adapter,
        bot=bot,
        store=store,
        app_id=settings.microsoft_app_id,
        tenant_id=settings.microsoft_app_tenant_id,
        service_url_allowed=is_loopback_url if emulator else None,
    )
    return Live(adapter=adapter, bot=bot, messenger=messenger, emulator=emulator)


async def answer(
    live: Live, app: web.Application, body: dict[str, object], auth_header: str
) -> web.StreamResponse:
    """The rest of teams_messages (adapters/teams/mount.py), once the caller and the
    body's form passed: the token before the body becomes an Activity, and the
    serviceUrl before anything is sent anywhere."""
    result = await _authenticate(live, body, auth_header)
    if result is None:
        return web.Response(status=401, text="unauthorized")
    problem = activity_problem(body)
    if problem is not None:
        log.info("Teams request refused as malformed: %s", problem)
        return web.Response(status=400, text=f"not a valid activity: {problem}")
    refusal = _refuse_service_url(live, result, body["serviceUrl"])
    if refusal is not None:
        return refusal
    try:
        activity = Activity().deserialize(body)
    except (DeserializationError, ValueError, TypeError, AttributeError) as error:
        log.info("Teams request refused as malformed: %s", type(error).__name__)
        return web.Response(status=400, text="not a valid activity")
    if await _through_inbox(app, activity, body, result):
        return web.Response(status=201)
    invoke_response = await live.adapter.process_activity(result, activity, live.bot.on_turn)
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
    return await written(worker, _arrival(activity, body, result), wait=TURN_WAIT)


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


async def replay(live: Live, arrival: Arrival) -> bool:
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
    authentication = live.adapter.bot_framework_authentication
    result.connector_factory = authentication.create_connector_factory(claims)
    activity = Activity().deserialize(json.loads(arrival.body))
    await live.adapter.process_activity(result, activity, live.bot.on_turn)
    return True


async def _authenticate(
    live: Live, body: dict[str, object], auth_header: str
) -> AuthenticateRequestResult | None:
    """botbuilder's check of the token (None if it fails), before the body is an Activity.

    Here rather than in CloudAdapter.process: the SDK lets a bad signature or an expired
    token escape as a 500 (and the channel retries it). It needs only the channel id (the
    signing key must endorse it); the serviceUrl is compared afterwards, normalised."""
    channel_id = body.get("channelId")
    probe = Activity(channel_id=channel_id if isinstance(channel_id, str) else None)
    authentication = live.adapter.bot_framework_authentication
    try:
        result: AuthenticateRequestResult = await authentication.authenticate_request(
            probe, auth_header
        )
    except Exception as error:  # anything short of proof that Microsoft sent it
        log.warning("Teams request refused: %s: %s", type(error).__name__, error)
        return None
    return result


def _refuse_service_url(
    live: Live, result: AuthenticateRequestResult, service_url: object
) -> web.Response | None:
    """Answers go only where the token said the request came from (emulator: loopback)."""
    if live.emulator:
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
