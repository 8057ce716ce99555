"""The aiohttp server: one `create_app(settings)`; platforms mount their routes on it."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

from aiohttp import web

from bot import __version__
from bot.runtime import Runtime, start_runtime
from bot.settings import Settings

log = logging.getLogger(__name__)

RUNTIME = web.AppKey("runtime", Runtime)
SETTINGS = web.AppKey("settings", Settings)
# Which platforms this server answers for; each adapter's mount sets its own entry.
MOUNTED: web.AppKey[dict[str, bool]] = web.AppKey("mounted", dict)


def create_app(settings: Settings) -> web.Application:
    app = web.Application()
    app[SETTINGS] = settings
    app[MOUNTED] = {"slack": False, "teams": False}
    app.cleanup_ctx.append(_runtime_ctx)
    app.router.add_get("/healthz", healthz)
    return app


async def _runtime_ctx(app: web.Application) -> AsyncIterator[None]:
    runtime = await start_runtime(app[SETTINGS])
    app[RUNTIME] = runtime
    log.info(
        "Extra Mile %s serving %s on %s",
        __version__,
        runtime.org.organisation.name,
        runtime.database.engine.dialect.name,
    )
    yield
    await runtime.close()
    log.info("Extra Mile stopped cleanly")


async def healthz(request: web.Request) -> web.Response:
    runtime = request.app[RUNTIME]
    database_ok = await runtime.database.reachable()
    body = {
        "status": "ok" if database_ok else "degraded",
        "database": database_ok,
        "adapters": request.app[MOUNTED].copy(),
        "organisation": runtime.org.organisation.name,
        "version": __version__,
    }
    return web.json_response(body, status=200 if database_ok else 503)


def serve_forever(settings: Settings, *, port: int) -> None:
    """Serve until SIGINT or SIGTERM, which run_app turns into a graceful shutdown."""
    web.run_app(create_app(settings), port=port, print=None)
