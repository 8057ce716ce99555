"""The console's inbox on the database (bot.delivery.inbox.Inbox), and the rule the
dispatcher's claim follows: a person whose only address is the console is waited for."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, exists
from sqlmodel import col, select

from bot.domain.actions import OutboxStatus
from bot.domain.records import OutboxItem
from storage.database import Database
from storage.tables import ConversationRefRow, OutboxRow
from storage.uow import UnitOfWork

CONSOLE = "console"


def console_only(person_id: Any) -> ColumnElement[bool]:
    """SQL: the person has a console address and no reachable address anywhere else."""
    on_console = exists().where(
        and_(
            col(ConversationRefRow.person_id) == person_id,
            col(ConversationRefRow.platform) == CONSOLE,
        )
    )
    elsewhere = exists().where(
        and_(
            col(ConversationRefRow.person_id) == person_id,
            col(ConversationRefRow.platform) != CONSOLE,
            col(ConversationRefRow.reachable),
        )
    )
    return and_(on_console, ~elsewhere)


async def waiting_for_console(uow: UnitOfWork, person_id: str) -> list[OutboxItem]:
    rows = (
        await uow.session.exec(
            select(OutboxRow)
            .where(OutboxRow.person_id == person_id)
            .where(OutboxRow.status == OutboxStatus.PENDING)
            .order_by(col(OutboxRow.id))
        )
    ).all()
    return [
        OutboxItem(
            id=row.id or 0,
            person_id=person_id,
            platform=row.platform,
            target=row.target,
            payload=row.payload,
            attempts=row.attempts,
            dedupe_key=row.dedupe_key or f"outbox:{row.id}",
        )
        for row in rows
    ]


class SqlInbox:
    def __init__(self, database: Database) -> None:
        self._database = database

    async def waiting(self, person_id: str) -> list[OutboxItem]:
        async with UnitOfWork(self._database) as uow:
            return await waiting_for_console(uow, person_id)

    async def delivered(self, *item_ids: int) -> None:
        from storage.outbox import mark_sent  # the outbox's claim imports this module

        async with UnitOfWork(self._database) as uow:
            await mark_sent(uow, *item_ids)
            await uow.commit()


async def waiting_in_console(uow: UnitOfWork) -> dict[str, int]:
    """How many messages wait for each person who can only be reached in the console."""
    rows = (
        await uow.session.exec(
            select(OutboxRow.person_id)
            .where(OutboxRow.status == OutboxStatus.PENDING)
            .where(col(OutboxRow.person_id).is_not(None))
            .where(console_only(OutboxRow.person_id))
        )
    ).all()
    counts: dict[str, int] = {}
    for person_id in rows:
        if person_id:
            counts[person_id] = counts.get(person_id, 0) + 1
    return counts
