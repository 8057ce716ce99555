"""The aiohttp server: one `create_app(settings)`; platforms mount their routes on it."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator, Callable
from datetime import timedelta

from aiohttp import web

from adapters.access_log import AccessLogger
from adapters.intake import INBOX
from adapters.links import LinkSigner
from adapters.overload import Limit, Overload
from adapters.slack.mount import PATH as SLACK_PATH
from adapters.slack.mount import mount_slack
from adapters.state import LINKS, MESSENGERS, MOUNTED, NOTES, OUTBOX_BELL, RUNTIME, SETTINGS
from adapters.teams.mount import PATH as TEAMS_PATH
from adapters.teams.mount import mount_teams
from app.runtime import migrate_apart, start_runtime
from bot import __version__
from bot.delivery.dispatcher import Dispatcher
from bot.delivery.messenger import Messenger
from bot.intake import InboxWorker
from bot.serving import link_key, linked_file, outbox_health
from bot.settings import Settings

log = logging.getLogger(__name__)

OVERLOAD = web.AppKey("overload", Overload)


def create_app(settings: Settings, *, with_scheduler: bool = False) -> web.Application:
    # Keyed by path: a platform that is not mounted costs nothing (adapters.overload).
    overload = Overload(
        {
            SLACK_PATH: Limit(settings.slack_max_in_flight, settings.slack_shed_after),
            TEAMS_PATH: Limit(settings.teams_max_in_flight, settings.teams_shed_after),
        }
    )
    app = web.Application(middlewares=[overload.middleware])
    app[OVERLOAD] = overload
    app[SETTINGS] = settings
    app[MOUNTED] = {"slack": False, "teams": False}
    app[MESSENGERS] = {}
    app[NOTES] = {}
    app[OUTBOX_BELL] = asyncio.Event()
    app.cleanup_ctx.append(_runtime_ctx)
    app.cleanup_ctx.append(_links_ctx)  # before the platforms: Teams makes links
    if settings.inbox:
        app.cleanup_ctx.append(_inbox_ctx)  # before the platforms: they register replays
    mount_slack(app, settings)
    mount_teams(app, settings)
    app.cleanup_ctx.append(_dispatcher_ctx)  # after the platforms: it needs their messengers
    if settings.inbox:
        app.cleanup_ctx.append(_inbox_worker_ctx)  # after the platforms: it replays to them
    if with_scheduler:
        app.cleanup_ctx.append(_scheduler_ctx)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/files/{token}", serve_document)
    return app


async def _runtime_ctx(app: web.Application) -> AsyncIterator[None]:
    runtime = await start_runtime(app[SETTINGS], catch_up=True, outbox_bell=app[OUTBOX_BELL])
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


async def _links_ctx(app: web.Application) -> AsyncIterator[None]:
    """The download links' key: EXTRAMILE_LINK_SECRET, else the one stored in the database
    (made by the first process to start), so every worker and every restart agree."""
    secret = app[SETTINGS].link_secret
    if secret is not None:
        key = secret.get_secret_value().encode()
    else:
        key = await link_key(app[RUNTIME].database)
    app[LINKS] = LinkSigner(key)
    yield


def _slack_arriving(app: web.Application) -> Callable[[], bool]:
    """Whether Slack requests are in flight: their acknowledgements go first (a Teams
    message waits for its own turn)."""
    overload = app[OVERLOAD]
    return lambda: overload.in_flight.get(SLACK_PATH, 0) > 0


async def _inbox_ctx(app: web.Application) -> AsyncIterator[None]:
    app[INBOX] = InboxWorker(
        inbox=app[RUNTIME].inbox,
        # Slack's acknowledgements first (a Teams message waits for its own turn).
        busy=_slack_arriving(app),
    )
    yield


async def _inbox_worker_ctx(app: web.Application) -> AsyncIterator[None]:
    """Replays the inbox: first what a previous process left (a crash after the ack),
    then each request as it is written."""
    worker = app[INBOX]
    await app[RUNTIME].inbox.release_all_if_alone()
    stop = asyncio.Event()
    task = asyncio.create_task(worker.run_forever(stop), name="inbox-worker")
    yield
    stop.set()
    worker.bell.set()
    with contextlib.suppress(asyncio.CancelledError, TimeoutError):
        await asyncio.wait_for(task, 15)


async def _dispatcher_ctx(app: web.Application) -> AsyncIterator[None]:
    runtime = app[RUNTIME]
    messengers: dict[str, Messenger] = app[MESSENGERS]
    dispatcher = Dispatcher(
        database=runtime.database,
        org=runtime.org,
        messengers=messengers,
        clock=runtime.engine.clock,
        lease=timedelta(seconds=app[SETTINGS].outbox_lease_seconds),
        bell=app[OUTBOX_BELL],
        busy=_slack_arriving(app),
    )
    stop = asyncio.Event()
    task = asyncio.create_task(dispatcher.run_forever(stop), name="outbox-dispatcher")
    yield
    stop.set()
    # A round stuck on a busy database must not hold up shutdown: what it claimed is
    # taken up again after the lease, by this process's next start or another worker.
    with contextlib.suppress(asyncio.CancelledError, TimeoutError):
        await asyncio.wait_for(task, 10)


async def _scheduler_ctx(app: web.Application) -> AsyncIterator[None]:
    # Loaded only when the jobs run here (not with --no-scheduler): APScheduler, the jobs
    # and the public holidays' tables they read.
    from app.scheduler import build_scheduler

    scheduler = build_scheduler(app[RUNTIME])
    scheduler.start()
    log.info("scheduler started: %s", ", ".join(job.id for job in scheduler.get_jobs()))
    yield
    scheduler.shutdown(wait=False)


async def healthz(request: web.Request) -> web.Response:
    runtime = request.app[RUNTIME]
    database_ok = await runtime.database.reachable()
    body: dict[str, object] = {
        "status": "ok" if database_ok else "degraded",
        "database": database_ok,
        "adapters": request.app[MOUNTED].copy(),
        "notes": request.app[NOTES].copy(),
        "organisation": runtime.org.organisation.name,
        "version": __version__,
    }
    if database_ok:
        body["outbox"] = await outbox_health(runtime.database)
        body["inbox"] = {"waiting": await runtime.inbox.waiting()}
    return web.json_response(body, status=200 if database_ok else 503)


async def serve_document(request: web.Request) -> web.Response:
    """A signed, expiring link to a portfolio or a data export (how Teams gets files)."""
    link = request.app[LINKS].verify(request.match_info["token"])
    runtime = request.app[RUNTIME]
    learner = runtime.org.person(link.person_id) if link else None
    if learner is None or link is None:
        return web.Response(status=404, text="This link has expired or is not valid.")
    found = await linked_file(
        org=runtime.org,
        database=runtime.database,
        clock=runtime.engine.clock,
        person=learner,
        kind=link.kind,
    )
    disposition = "inline" if found.inline else "attachment"
    headers = {
        "Cache-Control": "private, no-store",
        "Content-Disposition": f'{disposition}; filename="{found.filename}"',
    }
    if isinstance(found.content, str):
        return web.Response(text=found.content, content_type=found.content_type, headers=headers)
    return web.Response(body=found.content, content_type=found.content_type, headers=headers)


def serve_forever(settings: Settings, *, host: str, port: int, with_scheduler: bool) -> None:
    """Serve until SIGINT or SIGTERM, which run_app turns into a graceful shutdown."""
    migrate_apart(settings.database_url)
    application = create_app(settings, with_scheduler=with_scheduler)
    tune_gc()
    log.info("listening on %s port %d", host, port)
    web.run_app(
        application,
        host=host,
        port=port,
        print=None,
        access_log_class=AccessLogger,  # no download token in the log
        loop=event_loop(settings.event_loop),
    )


def event_loop(wanted: str = "uvloop") -> asyncio.AbstractEventLoop:
    """uvloop where it is installed (Linux, macOS): libuv's loop and transports take a
    request's bytes in and its answer out in C. "asyncio" (EXTRAMILE_EVENT_LOOP) for
    asyncio's own (a debugger, a profiler that wants Python frames)."""
    if wanted != "asyncio":
        try:
            import uvloop
        except ImportError:  # Windows: asyncio's own loop
            pass
        else:
            return uvloop.new_event_loop()
    return asyncio.new_event_loop()


def tune_gc() -> None:
    """Each request makes many short-lived objects: the youngest generation is collected
    every 10,000 allocations, not 700, and what start-up made (modules, the organisation)
    is kept out of every later collection. Under 50 requests in flight, collecting took
    0.49 s of CPU over 4,300 requests at the default thresholds and 0.09 s at these
    (gc.callbacks; bench/__main__.py measures the server's CPU per request)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 20, 50)
