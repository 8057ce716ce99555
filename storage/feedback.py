"""Customer feedback rows."""

from __future__ import annotations

from sqlmodel import col, select

from bot.domain.actions import Sentiment
from bot.domain.records import FeedbackLine, NewFeedback, StoredFeedback
from storage.database import utc_now
from storage.tables import CustomerFeedbackRow
from storage.uow import UnitOfWork


async def feedback_on(uow: UnitOfWork, action_ids: list[int]) -> dict[int, list[FeedbackLine]]:
    rows = (
        await uow.session.exec(
            select(CustomerFeedbackRow)
            .where(col(CustomerFeedbackRow.action_id).in_(action_ids))
            .order_by(col(CustomerFeedbackRow.id))
        )
    ).all()
    found: dict[int, list[FeedbackLine]] = {}
    for row in rows:
        if row.action_id is not None:
            found.setdefault(row.action_id, []).append(
                FeedbackLine(Sentiment(row.sentiment), row.words)
            )
    return found


async def add_feedback(uow: UnitOfWork, feedback: NewFeedback) -> int:
    row = CustomerFeedbackRow(
        action_id=feedback.action_id,
        person_id=feedback.person_id,
        recorded_by=feedback.recorded_by,
        channel=feedback.channel,
        sentiment=feedback.sentiment,
        words=feedback.words,
        rating=feedback.rating,
        quoted_from=feedback.quoted_from,
        created_at=utc_now(),
    )
    uow.session.add(row)
    await uow.session.flush()
    assert row.id is not None
    return row.id


async def get_feedback(uow: UnitOfWork, feedback_id: int) -> StoredFeedback | None:
    row = await uow.session.get(CustomerFeedbackRow, feedback_id)
    if row is None or row.id is None:
        return None
    return StoredFeedback(
        row.id,
        row.action_id,
        row.person_id,
        row.recorded_by,
        Sentiment(row.sentiment),
        row.words,
    )
