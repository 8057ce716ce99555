"""Mount Teams on the aiohttp server: POST /api/messages through botbuilder's CloudAdapter."""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass

from aiohttp import web
from botbuilder.core import TurnContext, serializer_helper
from botbuilder.integration.aiohttp import (
    CloudAdapter,
    ConfigurationBotFrameworkAuthentication,
)
from botbuilder.schema import Activity

from adapters.state import LINKS, MESSENGERS, MOUNTED, NOTES, RUNTIME, SETTINGS
from adapters.teams.bot import TeamsBot
from adapters.teams.messenger import TeamsMessenger
from bot.settings import Settings
from storage.database import is_unavailable

log = logging.getLogger(__name__)

PATH = "/api/messages"


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


TEAMS = web.AppKey("teams", TeamsMount)


def bot_framework_config(settings: Settings) -> BotFrameworkConfig:
    password = settings.microsoft_app_password
    return BotFrameworkConfig(
        APP_ID=settings.microsoft_app_id or None,
        APP_PASSWORD=password.get_secret_value() if password else None,
        APP_TYPE=settings.microsoft_app_type,
        APP_TENANTID=settings.microsoft_app_tenant_id,
    )


def mount_teams(app: web.Application) -> None:
    app.router.add_post(PATH, teams_messages)
    app.cleanup_ctx.append(_teams_ctx)


async def _teams_ctx(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    runtime = app[RUNTIME]
    adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(bot_framework_config(settings)))
    adapter.on_turn_error = _on_turn_error
    bot = TeamsBot(
        engine=runtime.engine,
        database=runtime.database,
        app_id=settings.microsoft_app_id,
        links=app[LINKS],
        public_url=settings.public_url or f"http://localhost:{settings.port}",
    )
    app[TEAMS] = TeamsMount(adapter=adapter, bot=bot)
    app[MOUNTED]["teams"] = True
    mode = "emulator (no credentials)" if settings.teams_emulator_mode else "authenticated"
    app[NOTES]["teams_auth"] = mode
    if settings.teams_emulator_mode:
        log.warning(
            "Teams runs in local emulator mode: MicrosoftAppId is unset, "
            "so requests without a token are accepted"
        )
    app[MESSENGERS]["teams"] = TeamsMessenger(
        adapter=adapter,
        bot=bot,
        database=runtime.database,
        app_id=settings.microsoft_app_id,
        tenant_id=settings.microsoft_app_tenant_id,
    )
    yield
    await bot.drain()


UNAVAILABLE = (
    "Sorry, I can't reach my records just now, so nothing was saved. Please try again in a minute."
)


async def teams_messages(request: web.Request) -> web.StreamResponse:
    mount: TeamsMount = request.app[TEAMS]
    if "application/json" not in request.headers.get("Content-Type", ""):
        return web.Response(status=415, text="expected application/json")
    try:
        body = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return web.Response(status=400, text="malformed JSON")
    if not isinstance(body, dict) or not body.get("type"):
        return web.Response(status=400, text="not an activity")
    activity = Activity().deserialize(body)
    # Authenticate here rather than in CloudAdapter.process: the SDK lets a bad
    # signature or an expired token escape as a 500 (and the channel retries it).
    auth_header = request.headers.get("Authorization", "")
    authentication = mount.adapter.bot_framework_authentication
    try:
        result = await authentication.authenticate_request(activity, auth_header)
    except Exception as error:  # anything short of proof that Microsoft sent it
        log.warning("Teams request refused: %s: %s", type(error).__name__, error)
        return web.Response(status=401, text="unauthorized")
    invoke_response = await mount.adapter.process_activity(result, activity, mount.bot.on_turn)
    if invoke_response is None:
        return web.Response(status=201)
    return web.json_response(serializer_helper(invoke_response.body), status=invoke_response.status)


async def _on_turn_error(context: TurnContext, error: Exception) -> None:
    if is_unavailable(error):
        # Nothing was saved: say so, and answer the channel with an error (raise).
        await context.send_activity(UNAVAILABLE)
        raise error
    reference = secrets.token_hex(3).upper()
    log.error("Teams turn failed, ref %s", reference, exc_info=error)
    await context.send_activity(
        f"Sorry, something went wrong on my side. Please try again; ref {reference}."
    )
