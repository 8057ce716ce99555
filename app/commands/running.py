"""Running the bot: serve, scheduler, run-job and console."""

from __future__ import annotations

import asyncio
import signal
from datetime import UTC, datetime
from typing import Annotated

import typer

from app.commands.common import check_org, fail, load_settings, setup_logging


def serve(
    port: Annotated[int | None, typer.Option(help="Overrides EXTRAMILE_PORT.")] = None,
    host: Annotated[
        str | None,
        typer.Option(help="Overrides EXTRAMILE_HOST (default 127.0.0.1; 0.0.0.0 behind a proxy)."),
    ] = None,
    no_scheduler: Annotated[
        bool, typer.Option("--no-scheduler", help="Run the jobs elsewhere.")
    ] = False,
) -> None:
    """Run the HTTP server (Slack, Teams, /healthz) and the scheduler; migrates first."""
    from app.server import serve_forever

    settings = load_settings()
    check_org(settings)
    setup_logging(settings.log_level)
    serve_forever(
        settings,
        host=host or settings.host,
        port=port or settings.port,
        with_scheduler=not no_scheduler,
    )


def scheduler() -> None:
    """Run only the scheduled jobs (one such process beside the web workers)."""
    from app.runtime import start_runtime
    from app.scheduler import build_scheduler

    settings = load_settings()
    check_org(settings)
    setup_logging(settings.log_level)

    async def run() -> None:
        # Long-running: it asks the practice questions a previous process lost, at start.
        runtime = await start_runtime(settings, catch_up=True)
        jobs = build_scheduler(runtime)
        jobs.start()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signal_number in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signal_number, stop.set)
        typer.echo("scheduler running; Ctrl-C or SIGTERM stops it")
        await stop.wait()
        jobs.shutdown(wait=False)
        await runtime.close()

    asyncio.run(run())


def run_job_command(
    name: Annotated[str, typer.Argument(help="approval-reminders")],
    at: Annotated[
        str | None, typer.Option(help="Run as of this ISO time (catch up, or rehearse).")
    ] = None,
) -> None:
    """Run one job once: now for the current period, or as of --at (the scheduler's
    rules, grace included)."""
    from app.jobs import UnknownJob, run_job
    from app.runtime import start_runtime

    settings = load_settings()
    check_org(settings)
    when = _parse_at(at)

    async def run() -> str:
        runtime = await start_runtime(settings)
        try:
            return await run_job(
                name, org=runtime.org, database=runtime.database, at=when, manual=at is None
            )
        finally:
            await runtime.close()

    try:
        typer.echo(f"{name}: {asyncio.run(run())}")
    except UnknownJob as error:
        fail(str(error))


def utc_now() -> datetime:
    return datetime.now(UTC)


def _parse_at(at: str | None) -> datetime:
    if at is None:
        return utc_now()
    try:
        moment = datetime.fromisoformat(at)
    except ValueError:
        fail(f"--at wants an ISO time like 2026-11-23T09:30, not {at!r}")
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def console(
    as_: Annotated[str, typer.Option("--as", help="Person id from the organisation file.")],
) -> None:
    """Chat with the bot in this terminal as a person of the organisation file."""
    from adapters.console.session import ConsoleSession
    from app.runtime import start_runtime
    from storage.console_inbox import SqlInbox

    settings = load_settings()
    org = check_org(settings)
    if org.person(as_) is None:
        known = ", ".join(p.id for p in org.people)
        fail(f"no person {as_!r} in the organisation file; try one of: {known}")
    setup_logging("WARNING")

    async def chat() -> None:
        runtime = await start_runtime(settings)
        try:
            inbox = SqlInbox(runtime.database)
            await ConsoleSession(engine=runtime.engine, person_id=as_, inbox=inbox).run()
        finally:
            await runtime.close()

    asyncio.run(chat())
