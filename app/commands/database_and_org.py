"""The database and the organisation file: db upgrade and org check."""

from __future__ import annotations

import asyncio

import typer

from app.commands.common import check_org, load_settings


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
    org = check_org(load_settings())
    typer.echo(
        f"{org.organisation.name}: {len(org.people)} people, "
        f"{len(org.service_offer)} service-offer items. OK."
    )
