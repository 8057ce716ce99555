"""The database and the organisation file: db upgrade and org check."""

from __future__ import annotations

import asyncio
from pathlib import Path

import typer

from app.commands.common import check_org, load_settings
from bot.domain.org import Organisation


def db_upgrade() -> None:
    """Apply the database migrations."""
    from storage.database import open_database

    settings = load_settings()

    async def upgrade() -> None:
        database = open_database(settings.database_url)
        try:
            await database.upgrade()
        finally:
            await database.close()

    asyncio.run(upgrade())
    typer.echo("database is up to date")


def org_check() -> None:
    """Check the organisation file and say what is wrong, with line numbers."""
    settings = load_settings()
    org = check_org(settings)
    typer.echo(
        f"{org.organisation.name}: {len(org.people)} people, "
        f"{len(org.service_offer)} service-offer items. OK."
    )
    url = settings.database_url
    no_file = url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists()
    if org.only_by_email() and not no_file:  # a missing SQLite file is not created here
        asyncio.run(_learn_found(url, org))
    waiting = org.only_by_email()
    if waiting:
        names = ", ".join(f"{p.name} ({p.email})" for p in waiting)
        typer.echo(
            f"{len(waiting)} {'person has' if len(waiting) == 1 else 'people have'} only an "
            f"e-mail and {'is' if len(waiting) == 1 else 'are'} not found on Slack or Teams "
            f"yet: {names}"
        )


async def _learn_found(database_url: str, org: Organisation) -> None:
    """The ids already found by e-mail, if the database has any (it is not created here)."""
    from storage.database import open_database
    from storage.people import identities
    from storage.uow import UnitOfWork

    database = open_database(database_url)
    try:
        async with UnitOfWork(database) as uow:
            for person_id, platform, user_id in await identities(uow):
                org.learn(person_id, platform, user_id)
    except Exception:  # no database yet, or not reachable: nobody found so far
        return
    finally:
        await database.close()
