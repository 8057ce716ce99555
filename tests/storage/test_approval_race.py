"""Two deciders at once, many times: exactly one decision each time (SQLite and PostgreSQL).

On PostgreSQL the two engines have pools of their own, so the decisions really race on two
connections; the conditional UPDATE is what lets exactly one through."""

from __future__ import annotations

import asyncio

from sqlmodel import col, func, select

from bot.clock import FixedClock
from bot.domain.org import Organisation
from bot.engine import Engine
from storage.database import Database, open_database
from storage.people import sync_organisation
from storage.tables import AuditLogRow, FeasibilityRequestRow, OutboxRow
from storage.uow import UnitOfWork
from tests.conftest import NOW
from tests.conversations.test_approvals import propose, request_click, sams_card
from tests.fakes.chat import text_of

ROUNDS = 20


async def test_two_deciders_at_once_give_exactly_one_decision(
    database: Database, org: Organisation
) -> None:
    async with UnitOfWork(database) as uow:
        await sync_organisation(uow, org)
        await uow.commit()
    second_pool = open_database(str(database.engine.url))
    first = Engine(org=org, database=database, clock=FixedClock(NOW))
    second = Engine(org=org, database=second_pool, clock=FixedClock(NOW))
    try:
        for round_ in range(ROUNDS):
            await propose(first, "asha")
            card = await sams_card(first)
            sam = request_click(card, "Approve", "sam", f"race-{round_}-sam")
            maria = request_click(card, "Approve", "maria", f"race-{round_}-maria")
            replies = await asyncio.gather(first.handle(sam), second.handle(maria))
            texts = [text_of(r) for r in replies]
            winners = [t for t in texts if "Approved. I've told Asha." in t]
            losers = [t for t in texts if "already approved this request" in t]
            assert len(winners) == 1 and len(losers) == 1, texts
    finally:
        await second_pool.close()
    async with UnitOfWork(database) as uow:
        decided = (
            await uow.session.exec(
                select(func.count())
                .select_from(FeasibilityRequestRow)
                .where(FeasibilityRequestRow.status == "approved")
            )
        ).one()
        audits = (
            await uow.session.exec(
                select(func.count())
                .select_from(AuditLogRow)
                .where(AuditLogRow.action == "request.approved")
            )
        ).one()
        told = (
            await uow.session.exec(
                select(func.count())
                .select_from(OutboxRow)
                .where(col(OutboxRow.dedupe_key).like("request:%:told"))
            )
        ).one()
    assert decided == audits == told == ROUNDS
