"""People and their data (UK GDPR): portfolio, export-person, erase-person and audit."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from app.commands.common import check_org, fail, load_settings, with_database
from storage.uow import UnitOfWork


def portfolio(
    person: Annotated[str, typer.Argument(help="Person id from the organisation file.")],
    out: Annotated[Path, typer.Option("--out", help="FILE.pdf, FILE.html or FILE.zip")],
) -> None:
    """A learner's evidence portfolio (STAR accounts, CFACSA9/CU801 coverage) as PDF, HTML,
    or the export zip (the HTML, a CSV of evidence to criteria, each witness statement)."""
    from app.runtime import start_runtime
    from bot.clock import SystemClock, local_today
    from bot.context import Scene
    from bot.reports.portfolio import build_portfolio
    from bot.reports.portfolio_render import portfolio_html, portfolio_pdf, portfolio_zip
    from storage.events import audit

    settings = load_settings()
    org = check_org(settings)
    learner = org.person(person)
    if learner is None:
        fail(f"no person {person!r} in the organisation file")
    suffix = out.suffix.lower()
    if suffix not in (".pdf", ".html", ".htm", ".zip"):
        fail("--out must end in .pdf, .html or .zip")

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
                built = await build_portfolio(scene, learner)
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
        if suffix == ".zip":
            return portfolio_zip(built)
        html = portfolio_html(built, pdf=suffix == ".pdf")
        return portfolio_pdf(html) if suffix == ".pdf" else html.encode()

    out.write_bytes(asyncio.run(build()))
    typer.echo(f"wrote {out}")


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

    data = with_database(run)
    out.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    typer.echo(f"wrote {out}")


def erase_person_command(
    person: Annotated[str, typer.Argument(help="Person id.")],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Remove or anonymise everything identifying a person; figures keep their counts."""
    from storage.events import audit
    from storage.privacy import erase_person

    settings = load_settings()
    org = check_org(settings)
    known = org.person(person)
    names = [known.name, known.first_name] if known else []
    if not yes and not typer.confirm(
        f"Erase {known.name if known else person} ({person})? This cannot be undone."
    ):
        fail("nothing erased")

    async def run(uow: UnitOfWork) -> str:
        alias = await erase_person(uow, person, names)
        await audit(
            uow, actor_id=None, action="person.erased", subject_type="person", subject_id=alias
        )
        return alias

    alias = with_database(run)
    typer.echo(
        f"erased {person}; their figures remain as {alias}. Remove them from the "
        "organisation file too, or they come back as a new, empty person."
    )


def audit_command(
    since: Annotated[str, typer.Option(help="A date, 2026-11-01")] = "1970-01-01",
) -> None:
    """The audit log: decisions, role changes, exports, erasures."""
    from storage.privacy import audit_since

    try:
        start = datetime.fromisoformat(since).replace(tzinfo=UTC)
    except ValueError:
        fail(f"--since wants a date like 2026-11-01, not {since!r}")

    async def run(uow: UnitOfWork) -> list[str]:
        return [
            f"{row.at:%Y-%m-%d %H:%M} {row.actor_id or 'system':<18} {row.action:<26} "
            f"{row.subject_type} {row.subject_id} {row.detail or ''}".rstrip()
            for row in await audit_since(uow, start)
        ]

    for line in with_database(run):
        typer.echo(line)
