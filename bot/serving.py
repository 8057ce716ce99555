"""What the web server asks of the core besides turns: the outbox's counts for /healthz,
the download links' key, and the file a download link stands for; and how to tell the
one error a platform answers differently (the database is away: ask to be sent again).

The adapters reach storage only through here and through bot.delivery.messenger.DeliveryStore.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from bot.clock import Clock
from bot.context import Scene
from bot.domain.org import Organisation, Person
from bot.reports.portfolio import build_portfolio, portfolio_pdf_of
from bot.reports.portfolio_render import portfolio_zip_of
from storage.database import Database, StorageUnavailable, is_unavailable
from storage.outbox import outbox_counts
from storage.privacy import export_person
from storage.secrets import stored_secret
from storage.uow import UnitOfWork

__all__ = [
    "LINK_KEY",
    "LinkedFile",
    "StorageUnavailable",
    "is_unavailable",
    "link_key",
    "linked_file",
    "outbox_health",
]

LINK_KEY = "links"  # the download links' key in storage.secrets


async def outbox_health(database: Database) -> dict[str, int]:
    """How many outbox messages are in each state (pending, sent, failed)."""
    async with UnitOfWork(database, read_only=True) as uow:
        return await outbox_counts(uow)


async def link_key(database: Database) -> bytes:
    """The download links' key stored in the database (made by the first process to ask),
    so every worker and every restart agree."""
    async with UnitOfWork(database) as uow:
        key = await stored_secret(uow, LINK_KEY)
        await uow.commit()
    return key


@dataclass(frozen=True, slots=True)
class LinkedFile:
    content: bytes | str  # text for JSON, bytes for a PDF
    content_type: str
    filename: str
    inline: bool  # shown in the browser (a PDF) rather than saved


async def linked_file(
    *, org: Organisation, database: Database, clock: Clock, person: Person, kind: str
) -> LinkedFile:
    """The file a download link stands for: a data export, a portfolio's export zip
    ("portfolio-zip"), else a portfolio."""
    async with UnitOfWork(database) as uow:
        if kind == "export":
            data = json.dumps(await export_person(uow, person.id), indent=2, ensure_ascii=False)
            return LinkedFile(data, "application/json", f"my-data-{person.id}.json", inline=False)
        now = clock.now()
        scene = Scene(org=org, uow=uow, now=now, today=now.date())
        portfolio = await build_portfolio(scene, person)
    # Drawn off the event loop once the read transaction is over.
    if kind == "portfolio-zip":
        bundle = await portfolio_zip_of(portfolio)
        return LinkedFile(bundle, "application/zip", f"portfolio-{person.id}.zip", inline=False)
    pdf = await portfolio_pdf_of(portfolio)
    return LinkedFile(pdf, "application/pdf", f"portfolio-{person.id}.pdf", inline=True)
