"""The `extramile` command line.

Platform adapters are imported inside the commands that need them, so the core
never pulls in aiohttp, slack_bolt or botbuilder just by being imported.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, NoReturn, TypeVar

import typer
from pydantic import ValidationError

from bot.domain.org import Organisation
from bot.domain.orgfile import OrgFileError, load_organisation
from bot.settings import Settings
from storage.database import DatabaseNotWritable
from storage.uow import UnitOfWork

T = TypeVar("T")

app = typer.Typer(help="Extra Mile: go the extra mile in customer service.", no_args_is_help=True)
db_app = typer.Typer(help="Database commands.", no_args_is_help=True)
org_app = typer.Typer(help="Organisation file commands.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(org_app, name="org")
practices_app = typer.Typer(help="Practices: the deeds actions share.", no_args_is_help=True)
app.add_typer(practices_app, name="practices")


def _settings() -> Settings:
    try:
        return Settings()
    except ValidationError as error:
        _fail(f"bad setting: {error}")


def _fail(message: str) -> NoReturn:
    typer.echo(f"extramile: {message}", err=True)
    raise typer.Exit(code=2)


def _logging(level: str = "INFO") -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


@app.command()
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

    settings = _settings()
    _check_org(settings)
    _logging(settings.log_level)
    serve_forever(
        settings,
        host=host or settings.host,
        port=port or settings.port,
        with_scheduler=not no_scheduler,
    )


@app.command()
def scheduler() -> None:
    """Run only the scheduled jobs (one such process beside the web workers)."""
    from app.runtime import start_runtime
    from app.scheduler import build_scheduler

    settings = _settings()
    _check_org(settings)
    _logging(settings.log_level)

    async def run() -> None:
        runtime = await start_runtime(settings)
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


@app.command("run-job")
def run_job_command(
    name: Annotated[str, typer.Argument(help="approval-reminders")],
    at: Annotated[
        str | None, typer.Option(help="Run as of this ISO time (catch up, or rehearse).")
    ] = None,
) -> None:
    """Run one job once, now or as of --at."""
    from app.jobs import UnknownJob, run_job
    from app.runtime import start_runtime

    settings = _settings()
    _check_org(settings)
    when = _parse_at(at)

    async def run() -> str:
        runtime = await start_runtime(settings)
        try:
            return await run_job(name, org=runtime.org, database=runtime.database, at=when)
        finally:
            await runtime.close()

    try:
        typer.echo(f"{name}: {asyncio.run(run())}")
    except UnknownJob as error:
        _fail(str(error))


def _parse_at(at: str | None) -> datetime:
    if at is None:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(at)
    except ValueError:
        _fail(f"--at wants an ISO time like 2026-11-23T09:30, not {at!r}")
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@app.command()
def console(
    as_: Annotated[str, typer.Option("--as", help="Person id from the organisation file.")],
) -> None:
    """Chat with the bot in this terminal as a person of the organisation file."""
    from adapters.console.session import ConsoleSession
    from app.runtime import start_runtime

    settings = _settings()
    org = _check_org(settings)
    if org.person(as_) is None:
        known = ", ".join(p.id for p in org.people)
        _fail(f"no person {as_!r} in the organisation file; try one of: {known}")
    _logging("WARNING")

    async def chat() -> None:
        runtime = await start_runtime(settings)
        try:
            await ConsoleSession(engine=runtime.engine, person_id=as_).run()
        finally:
            await runtime.close()

    asyncio.run(chat())


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply the database migrations."""
    from storage.database import open_database

    settings = _settings()

    async def upgrade() -> None:
        database = open_database(settings.database_url)
        try:
            await database.upgrade()
        finally:
            await database.close()

    asyncio.run(upgrade())
    typer.echo("database is up to date")


@app.command("teams-package")
def teams_package(
    out: Annotated[Path, typer.Option("--out", help="Where to write the .zip.")],
    website: Annotated[str, typer.Option(help="Your https site (support, privacy, terms).")] = (
        "https://example.com/extramile"
    ),
    developer: Annotated[str, typer.Option(help="Who publishes the app.")] = "Extra Mile",
) -> None:
    """Build the Teams app package (manifest and icons) to upload to Teams."""
    from adapters.teams.package import write_package
    from bot import __version__

    settings = _settings()
    if not settings.microsoft_app_id:
        _fail("set MicrosoftAppId (the bot's Azure app id) first: the package names it")
    if not website.startswith("https://"):
        _fail("--website must start with https://")
    write_package(
        out,
        bot_id=settings.microsoft_app_id,
        website=website,
        developer=developer,
        version=__version__,
    )
    typer.echo(f"wrote {out}: upload it in Teams -> Apps -> Manage your apps -> Upload an app")


@practices_app.command("evaluate")
def practices_evaluate(
    file: Annotated[Path, typer.Argument(help="A labelled YAML file (groups, singletons).")],
    method: Annotated[
        str, typer.Option(help="tfidf-char (the bot's), token-set, weighted, token-sort")
    ] = "tfidf-char",
    seed: Annotated[int | None, typer.Option(help="The replay order's seed.")] = None,
) -> None:
    """Replay labelled deeds through the bot's suggestion code; print its two figures."""
    from pydantic import ValidationError as BadFile

    from bot.domain.practice_matching import ALL_METHODS
    from bot.features.nominations.evaluate import SEED, evaluate, load

    if method not in ALL_METHODS:
        _fail(f"no method {method!r}; methods: {', '.join(ALL_METHODS)}")
    try:
        data = load(file)
    except (OSError, BadFile) as error:
        _fail(f"cannot use {file}: {error}")
    typer.echo(
        "order: groups shuffled with the seed, their items dealt round-robin, "
        "singletons inserted at seeded positions"
    )
    typer.echo(str(evaluate(data, method=method, seed=SEED if seed is None else seed)))


@app.command()
def portfolio(
    person: Annotated[str, typer.Argument(help="Person id from the organisation file.")],
    out: Annotated[Path, typer.Option("--out", help="FILE.pdf or FILE.html")],
) -> None:
    """A learner's evidence portfolio (STAR accounts, CFACSA9/CU801 coverage) as PDF or HTML."""
    from app.runtime import start_runtime
    from bot.clock import SystemClock, local_today
    from bot.context import Scene
    from bot.reports.portfolio import build_portfolio, portfolio_html, portfolio_pdf
    from storage.events import audit
    from storage.uow import UnitOfWork

    settings = _settings()
    org = _check_org(settings)
    learner = org.person(person)
    if learner is None:
        _fail(f"no person {person!r} in the organisation file")
    if out.suffix.lower() not in (".pdf", ".html", ".htm"):
        _fail("--out must end in .pdf or .html")

    async def build() -> bytes:
        runtime = await start_runtime(settings)
        clock = SystemClock()
        try:
            async with UnitOfWork(runtime.database) as uow:
                scene = Scene(
                    org=org,
                    uow=uow,
                    now=clock.now(),
                    today=local_today(clock, org.organisation.timezone),
                )
                html = portfolio_html(await build_portfolio(scene, learner))
                await audit(
                    uow,
                    actor_id=None,
                    action="portfolio.exported",
                    subject_type="person",
                    subject_id=learner.id,
                    detail={"via": "cli", "file": out.name},
                )
                await uow.commit()
        finally:
            await runtime.close()
        return portfolio_pdf(html) if out.suffix.lower() == ".pdf" else html.encode()

    out.write_bytes(asyncio.run(build()))
    typer.echo(f"wrote {out}")


@app.command("export-person")
def export_person_command(
    person: Annotated[str, typer.Argument(help="Person id.")],
    out: Annotated[Path, typer.Option("--out", help="FILE.json")],
) -> None:
    """Everything held about a person, as JSON (a subject access request)."""
    import json

    from storage.events import audit
    from storage.privacy import export_person

    async def run(uow: UnitOfWork) -> dict[str, object]:
        data = await export_person(uow, person)
        await audit(
            uow,
            actor_id=None,
            action="person.exported",
            subject_type="person",
            subject_id=person,
            detail={"via": "cli"},
        )
        return data

    data = _with_database(run)
    out.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    typer.echo(f"wrote {out}")


@app.command("erase-person")
def erase_person_command(
    person: Annotated[str, typer.Argument(help="Person id.")],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Remove or anonymise everything identifying a person; figures keep their counts."""
    from storage.events import audit
    from storage.privacy import erase_person

    settings = _settings()
    org = _check_org(settings)
    known = org.person(person)
    names = [known.name, known.first_name] if known else []
    if not yes and not typer.confirm(
        f"Erase {known.name if known else person} ({person})? This cannot be undone."
    ):
        _fail("nothing erased")

    async def run(uow: UnitOfWork) -> str:
        alias = await erase_person(uow, person, names)
        await audit(
            uow, actor_id=None, action="person.erased", subject_type="person", subject_id=alias
        )
        return alias

    alias = _with_database(run)
    typer.echo(
        f"erased {person}; their figures remain as {alias}. Remove them from the "
        "organisation file too, or they come back as a new, empty person."
    )


@app.command("audit")
def audit_command(
    since: Annotated[str, typer.Option(help="A date, 2026-11-01")] = "1970-01-01",
) -> None:
    """The audit log: decisions, role changes, exports, erasures."""
    from storage.privacy import audit_since

    try:
        start = datetime.fromisoformat(since).replace(tzinfo=UTC)
    except ValueError:
        _fail(f"--since wants a date like 2026-11-01, not {since!r}")

    async def run(uow: UnitOfWork) -> list[str]:
        return [
            f"{row.at:%Y-%m-%d %H:%M} {row.actor_id or 'system':<18} {row.action:<26} "
            f"{row.subject_type} {row.subject_id} {row.detail or ''}".rstrip()
            for row in await audit_since(uow, start)
        ]

    for line in _with_database(run):
        typer.echo(line)


def _with_database(work: Callable[[UnitOfWork], Awaitable[T]]) -> T:
    """Run `work` in one committed transaction on a migrated database."""
    from app.runtime import start_runtime

    settings = _settings()
    _check_org(settings)

    async def run() -> T:
        runtime = await start_runtime(settings)
        try:
            async with UnitOfWork(runtime.database) as uow:
                result = await work(uow)
                await uow.commit()
                return result
        finally:
            await runtime.close()

    return asyncio.run(run())


@org_app.command("check")
def org_check() -> None:
    """Check the organisation file and say what is wrong, with line numbers."""
    org = _check_org(_settings())
    typer.echo(
        f"{org.organisation.name}: {len(org.people)} people, "
        f"{len(org.service_offer)} service-offer items. OK."
    )


def _check_org(settings: Settings) -> Organisation:
    try:
        return load_organisation(settings.organisation_file)
    except OrgFileError as error:
        _fail(f"organisation file refused:\n{error}")


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
    except DatabaseNotWritable as error:
        # From any command that opens the database, `serve` included.
        typer.echo(f"extramile: cannot use the database: {error}", err=True)
        sys.exit(2)
