"""Customer feedback rows."""

from __future__ import annotations

from dataclasses import dataclass

from storage.database import utc_now
from storage.tables import CustomerFeedbackRow
from storage.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class NewFeedback:
    action_id: int | None
    person_id: str
    recorded_by: str
    channel: str
    sentiment: str
    words: str
    rating: int | None
    quoted_from: str | None


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
