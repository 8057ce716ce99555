"""What the commands share: settings, the organisation file, failing with a message,
logging, and one transaction on a migrated database."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import NoReturn, TypeVar

import typer
from pydantic import ValidationError

from bot.domain.org import Organisation
from bot.domain.orgfile import OrgFileError, load_organisation
from bot.settings import Settings
from storage.uow import UnitOfWork

T = TypeVar("T")


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as error:
        fail(f"bad setting: {error}")


def fail(message: str) -> NoReturn:
    typer.echo(f"extramile: {message}", err=True)
    raise typer.Exit(code=2)


def setup_logging(level: str = "INFO") -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def check_org(settings: Settings) -> Organisation:
    try:
        return load_organisation(settings.organisation_file)
    except OrgFileError as error:
        fail(f"organisation file refused:\n{error}")


def with_database(work: Callable[[UnitOfWork], Awaitable[T]]) -> T:
    """Run `work` in one committed transaction on a migrated database."""
    from app.runtime import start_runtime

    settings = load_settings()
    check_org(settings)

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
