"""Mount Teams on the aiohttp server: POST /api/messages through botbuilder's CloudAdapter.

The route is there from the start; botbuilder (adapters/teams/live.py, about 22 MB
resident) is loaded when Teams is first used: the first request that gets past the
checks made before the token's, the first message the outbox sends there, or the first
one replayed from the inbox."""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aiohttp import web

from adapters.background import Background
from adapters.intake import inbox_of
from adapters.links import LinkSigner
from adapters.state import LINKS, MESSENGERS, MOUNTED, NOTES, RUNTIME, SETTINGS
from adapters.teams.translate import PLATFORM
from adapters.teams.trust import is_loopback_address, relayed
from bot.delivery.messenger import DeliveryStore
from bot.domain.org import Person
from bot.engine import Engine
from bot.intake import Arrival
from bot.messages import Outbound
from bot.settings import Settings

if TYPE_CHECKING:
    from adapters.teams.bot import TeamsBot
    from adapters.teams.live import Live

log = logging.getLogger(__name__)

PATH = "/api/messages"
# A JWT in compact form after "Bearer ": checked before the body is read.
_BEARER = re.compile(r"Bearer [A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")


@dataclass(frozen=True)
class BotFrameworkConfig:
    """The attribute names botbuilder's configuration classes read."""

    APP_ID: str | None
    APP_PASSWORD: str | None
    APP_TYPE: str
    APP_TENANTID: str | None


def bot_framework_config(settings: Settings) -> BotFrameworkConfig:
    password = settings.microsoft_app_password
    return BotFrameworkConfig(
        APP_ID=settings.microsoft_app_id or None,
        APP_PASSWORD=password.get_secret_value() if password else None,
        APP_TYPE=settings.microsoft_app_type,
        APP_TENANTID=settings.microsoft_app_tenant_id,
    )


class TeamsMount:
    """Teams as mounted: whether it is the emulator mode (all the checks before the
    token's need) at once; botbuilder's adapter, the bot and the messenger on first use."""

    def __init__(
        self,
        settings: Settings,
        *,
        engine: Engine,
        store: DeliveryStore,
        links: LinkSigner,
        background: Background,
    ) -> None:
        self.emulator = settings.teams_emulator_mode
        self._settings = settings
        self._engine = engine
        self._store = store
        self._links = links
        self._background = background
        self._live: Live | None = None
        self._lock = threading.Lock()

    def live(self) -> Live:
        """Built once, by whoever comes first (a request, the outbox, the inbox). Building
        is synchronous (imports, then constructors), so it does not interleave with other
        work on the event loop; the lock also holds it to once from any thread."""
        live = self._live
        if live is None:
            with self._lock:
                live = self._live
                if live is None:
                    from adapters.teams.live import build

                    live = build(
                        self._settings,
                        engine=self._engine,
                        store=self._store,
                        links=self._links,
                        background=self._background,
                    )
                    self._live = live
                    log.info("Teams: botbuilder loaded")
        return live

    @property
    def bot(self) -> TeamsBot:
        return self.live().bot

    async def drain(self) -> None:
        """Wait for replies still being sent (on shutdown, and in tests)."""
        await self._background.drain()


TEAMS = web.AppKey("teams", TeamsMount)


class LazyTeamsMessenger:
    """The outbox's way into Teams (adapters/teams/messenger.py), built when the first
    message is sent there."""

    platform = PLATFORM

    def __init__(self, mount: TeamsMount) -> None:
        self._mount = mount

    def can_reach(self, person: Person) -> bool:
        return person.teams is not None

    async def settle(self) -> None:
        return None  # each conversation reference is saved as it is made

    async def send(
        self, person: Person, message: Outbound, *, dedupe_key: str, maybe_sent: bool = False
    ) -> None:
        messenger = self._mount.live().messenger
        await messenger.send(person, message, dedupe_key=dedupe_key, maybe_sent=maybe_sent)

    async def post_to_channel(self, channel: str, message: Outbound) -> None:
        await self._mount.live().messenger.post_to_channel(channel, message)


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
    worker = inbox_of(app)
    # Draining the replies (tests) waits for the inbox's messages to be replayed first.
    background = Background("Teams replies", first=worker.drain if worker else None)
    mount = TeamsMount(
        settings,
        engine=runtime.engine,
        store=runtime.delivery,
        links=app[LINKS],
        background=background,
    )
    app[TEAMS] = mount
    app[MOUNTED]["teams"] = True
    app[NOTES]["teams_auth"] = "emulator (no credentials)" if mount.emulator else "authenticated"
    if mount.emulator:
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
    app[MESSENGERS]["teams"] = LazyTeamsMessenger(mount)
    if worker is not None:

        async def replay(arrival: Arrival) -> bool:
            from adapters.teams.live import replay

            return await replay(mount.live(), arrival)

        worker.handlers["teams"] = replay
    yield
    await background.drain(first=False)  # what the inbox holds waits for the next start


async def teams_messages(request: web.Request) -> web.StreamResponse:
    """Who is calling before what they sent: the caller (and, with credentials, the token's
    form) before the body is read, the token before the body becomes an Activity, and the
    serviceUrl before anything is sent anywhere (adapters/teams/live.py: answer)."""
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
    from adapters.teams.live import answer

    return await answer(mount.live(), request.app, body, auth_header)
