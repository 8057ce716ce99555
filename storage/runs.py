"""Scheduled runs, keyed by (job, period, recipient) under a unique constraint: a double
fire, a restart or two scheduler processes never send anything twice."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from storage.tables import ScheduledRunRow
from storage.uow import UnitOfWork


async def already_run(uow: UnitOfWork, job: str, periods: set[str]) -> set[tuple[str, str]]:
    """(period, recipient) pairs this job has done already, for these periods."""
    rows = (
        await uow.session.exec(
            select(ScheduledRunRow.period, ScheduledRunRow.recipient)
            .where(ScheduledRunRow.job == job)
            .where(col(ScheduledRunRow.period).in_(periods))
        )
    ).all()
    return {(period, recipient) for period, recipient in rows}


async def claim_run(uow: UnitOfWork, job: str, period: str, recipient: str, now: datetime) -> bool:
    """Record the run; False if another process recorded it first."""
    try:
        async with uow.session.begin_nested():
            uow.session.add(
                ScheduledRunRow(job=job, period=period, recipient=recipient, created_at=now)
            )
    except IntegrityError:
        return False
    return True
