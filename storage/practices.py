"""Practices (K9): the kinds of deed several actions share, their actions, and the figures
the nomination rule counts (nominations themselves: storage.nominations)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import distinct, func, literal_column, or_, update
from sqlmodel import col, select

from bot.domain.actions import CARRIED_OUT, ActionStatus, AffectedOthers, Sentiment
from bot.domain.records import Evidence, PracticeSummary, PracticeView, SuccessCounts
from storage.practice_sizes import (
    count_in,
    latest_words,
    with_size,
)
from storage.tables import ActionRow, CustomerFeedbackRow, PracticeRow
from storage.uow import UnitOfWork


async def practices(uow: UnitOfWork, examples: int = 5) -> list[PracticeView]:
    """Every practice with its latest `examples` actions' words and how many it has.

    Read after every saved action (for suggestions), so its cost never grows with the
    actions stored: the counts are counters (storage.practice_sizes), the examples a
    `LIMIT`ed index read per practice."""
    rows = (await uow.session.exec(with_size())).all()
    texts = await latest_words(uow, examples)
    return [
        PracticeView(int(id_), title, tuple(texts.get(int(id_), [])), int(size))
        for id_, title, size in rows
    ]


async def create_practice(uow: UnitOfWork, title: str, by: str, now: datetime) -> int:
    row = PracticeRow(title=title, created_by=by, created_at=now)
    uow.session.add(row)
    await uow.session.flush()
    assert row.id is not None
    return row.id


async def assign_practice(uow: UnitOfWork, action_id: int, practice_id: int) -> None:
    found = await uow.session.exec(select(ActionRow.practice_id).where(ActionRow.id == action_id))
    before = found.first()
    if before == practice_id:
        return
    result = await uow.session.exec(
        update(ActionRow).where(col(ActionRow.id) == action_id).values(practice_id=practice_id)
    )
    if result.rowcount != 1:
        return
    if before is not None:
        await count_in(uow, before, -1)
    await count_in(uow, practice_id, 1)


async def practice_of(uow: UnitOfWork, action_id: int) -> int | None:
    row = await uow.session.get(ActionRow, action_id)
    return row.practice_id if row else None


async def action_owner(uow: UnitOfWork, action_id: int) -> str | None:
    """Whose action this is (None if there is no such action)."""
    row = await uow.session.get(ActionRow, action_id)
    return row.person_id if row else None


async def current_practice(uow: UnitOfWork, practice_id: int) -> int | None:
    """The practice a number names now: itself, or the one it was merged into; None if
    there is no such practice."""
    practice = await uow.session.get(PracticeRow, practice_id)
    if practice is None:
        return None
    return practice.merged_into or practice.id


async def pick_practice(uow: UnitOfWork, action_id: int, practice_id: int, *, by: str) -> bool:
    """Put `by`'s own action, not yet in a practice, into one; False (and nothing
    changed) for someone else's action or one already placed."""
    result = await uow.session.exec(
        update(ActionRow)
        .where(col(ActionRow.id) == action_id)
        .where(col(ActionRow.person_id) == by)
        .where(col(ActionRow.practice_id).is_(None))
        .values(practice_id=practice_id)
    )
    if result.rowcount != 1:
        return False
    await count_in(uow, practice_id, 1)
    return True


async def has_actions_in(uow: UnitOfWork, person_id: str, practice_id: int) -> bool:
    found = await uow.session.exec(
        select(ActionRow.id)
        .where(ActionRow.person_id == person_id)
        .where(ActionRow.practice_id == practice_id)
        .limit(1)
    )
    return found.first() is not None


async def evidence(uow: UnitOfWork, practice_id: int) -> list[Evidence]:
    rows = (
        await uow.session.exec(select(ActionRow).where(ActionRow.practice_id == practice_id))
    ).all()
    ids = [r.id for r in rows if r.id is not None]
    praise = (
        await uow.session.exec(
            select(CustomerFeedbackRow.action_id, CustomerFeedbackRow.words)
            .where(col(CustomerFeedbackRow.action_id).in_(ids))
            .where(CustomerFeedbackRow.sentiment == Sentiment.POSITIVE)
        )
    ).all()
    words: dict[int, list[str]] = {}
    for action_id, text in praise:
        if action_id is not None:
            words.setdefault(action_id, []).append(text or "")
    return [
        Evidence(
            r.id or 0,
            r.person_id,
            r.occurred_on,
            ActionStatus(r.status),
            r.extra,
            r.customer_aware,
            r.customer_noticed,
            AffectedOthers(r.affected_others) if r.affected_others else None,
            tuple(words.get(r.id or 0, [])),
        )
        for r in rows
    ]


async def practice_summary(
    uow: UnitOfWork, practice_id: int, people: int = 8, quotes: int = 3
) -> PracticeSummary:
    of_practice = col(ActionRow.practice_id) == practice_id
    first_people = (
        await uow.session.exec(
            select(ActionRow.person_id)
            .where(of_practice)
            .group_by(col(ActionRow.person_id))
            .order_by(func.min(ActionRow.id))
            .limit(people)
        )
    ).all()
    count, affected = (
        await uow.session.exec(
            select(
                func.count(distinct(col(ActionRow.person_id))),
                func.count().filter(
                    col(ActionRow.affected_others).in_(
                        (AffectedOthers.A_LITTLE, AffectedOthers.YES)
                    )
                ),
            ).where(of_practice)
        )
    ).one()
    words = (
        await uow.session.exec(
            select(CustomerFeedbackRow.words)
            .join(ActionRow, col(ActionRow.id) == CustomerFeedbackRow.action_id)
            .where(of_practice)
            .where(CustomerFeedbackRow.sentiment == Sentiment.POSITIVE)
            .where(col(CustomerFeedbackRow.words).is_not(None))
            .where(CustomerFeedbackRow.words != "")
            .order_by(col(CustomerFeedbackRow.id))
            .limit(quotes)
        )
    ).all()
    return PracticeSummary(
        tuple(first_people), int(count), tuple(w for w in words if w), int(affected)
    )


# Days since a Monday, in sevens: the same partition as ISO weeks, in either dialect.
_WEEK = {
    "sqlite": "CAST((julianday(extra_mile_action.occurred_on) - julianday('1970-01-05')) / 7 "
    "AS INTEGER)",
    "postgresql": "((extra_mile_action.occurred_on - DATE '1970-01-05') / 7)",
}


async def success_counts(uow: UnitOfWork) -> dict[int, SuccessCounts]:
    """Per practice, what bot.features.nominations.rules.tally counts, as one aggregate
    query: actions carried out, with a good outcome or positive feedback, not marked as
    affecting other customers. (The nomination rule is checked against these every night.)"""
    praised = (
        select(CustomerFeedbackRow.id)
        .where(CustomerFeedbackRow.action_id == ActionRow.id)
        .where(CustomerFeedbackRow.sentiment == Sentiment.POSITIVE)
        .exists()
    )
    query = (
        select(
            ActionRow.practice_id,
            func.count(),
            func.count(distinct(col(ActionRow.person_id))),
            func.count(distinct(literal_column(_WEEK[uow.dialect]))),
        )
        .where(col(ActionRow.practice_id).is_not(None))
        .where(col(ActionRow.status).in_(CARRIED_OUT))
        .where(func.coalesce(ActionRow.affected_others, "") != AffectedOthers.YES)
        .where(
            or_(
                col(ActionRow.customer_aware).is_(True),
                col(ActionRow.customer_noticed).is_(True),
                praised,
            )
        )
        .group_by(col(ActionRow.practice_id))
    )
    rows = (await uow.session.exec(query)).all()
    return {
        int(practice): SuccessCounts(int(wins), int(people), int(weeks))
        for practice, wins, people, weeks in rows
        if practice is not None
    }
