"""Everything a portfolio draws on, for one person, in one read."""

from __future__ import annotations

from sqlmodel import col, select

from bot.domain.actions import (
    ActionStatus,
    AffectedOthers,
    Approach,
    Context,
    NominationStatus,
    RequestStatus,
    Sentiment,
)
from bot.domain.evidence import LearnerEvidence, Mark
from bot.domain.records import ActionRecord, FeedbackRecord, PortfolioData, RequestRecord
from bot.domain.redaction import redact
from storage.assessment import portfolio_marks
from storage.evidence import statements_of, statements_on
from storage.tables import (
    ActionRow,
    CustomerFeedbackRow,
    FeasibilityRequestRow,
    NominationRow,
)
from storage.uow import UnitOfWork


async def portfolio_data(
    uow: UnitOfWork, person_id: str, action_ids: list[int] | None = None
) -> PortfolioData:
    """The person's actions with what the portfolio reckons them from (`action_ids`: only
    those, e.g. the ones a list shows)."""
    query = select(ActionRow).where(ActionRow.person_id == person_id)
    if action_ids is not None:
        query = query.where(col(ActionRow.id).in_(action_ids))
    actions = (
        await uow.session.exec(query.order_by(col(ActionRow.occurred_on), col(ActionRow.id)))
    ).all()
    ids = [a.id for a in actions if a.id is not None]
    requests = {
        r.action_id: r
        for r in (
            await uow.session.exec(
                select(FeasibilityRequestRow).where(col(FeasibilityRequestRow.action_id).in_(ids))
            )
        ).all()
    }
    feedback: dict[int, list[FeedbackRecord]] = {}
    for row in (
        await uow.session.exec(
            select(CustomerFeedbackRow)
            .where(col(CustomerFeedbackRow.action_id).in_(ids))
            .order_by(col(CustomerFeedbackRow.id))
        )
    ).all():
        if row.action_id is not None:
            feedback.setdefault(row.action_id, []).append(
                FeedbackRecord(Sentiment(row.sentiment), row.words)
            )
    practices = {a.practice_id for a in actions if a.practice_id is not None}
    nominations = (
        await uow.session.exec(
            select(NominationRow).where(
                col(NominationRow.practice_id).in_(practices)
                | (col(NominationRow.suggested_by) == person_id)
            )
        )
    ).all()
    return PortfolioData(
        actions=tuple(
            _record(a, requests.get(a.id or 0), feedback.get(a.id or 0, [])) for a in actions
        ),
        nominated_or_suggested=bool(nominations),
        decided_nomination=any(n.status != NominationStatus.OPEN for n in nominations),
    )


def _record(
    row: ActionRow, request: FeasibilityRequestRow | None, feedback: list[FeedbackRecord]
) -> ActionRecord:
    check = ""
    if request is not None:
        check = (
            f"within authority: {request.within_authority}; guidelines: "
            f"{request.within_guidelines}; regulations: {request.within_regulations}; "
            f"affects other customers: {request.affects_others}"
        )
    return ActionRecord(
        id=row.id or 0,
        occurred_on=row.occurred_on,
        customer_need=row.customer_need,
        offer_item_id=row.offer_item_id,
        extra=row.extra,
        status=ActionStatus(row.status),
        context=Context(row.context),
        approach=Approach(row.approach),
        customer_aware=row.customer_aware,
        result=row.result,
        cost=row.cost,
        minutes=row.minutes,
        check=check,
        request=RequestRecord(
            request.approver_id,
            RequestStatus(request.status),
            request.decided_by,
            request.decision_reason,
        )
        if request
        else None,
        feedback=tuple(feedback),
        affected_others=AffectedOthers(row.affected_others) if row.affected_others else None,
        customer_noticed=row.customer_noticed,
        follow_up_note=row.follow_up_note,
    )


async def learner_evidence(uow: UnitOfWork, person_id: str) -> LearnerEvidence:
    """The learner's own words (storage.evidence), the actions whose positive feedback they
    recorded themselves (P13: noted and passed on), their suggestions with a reason (3.5,
    K9), and the assessor's marks (19b's; none until stored). The witnesses are the
    bot's to word: bot.reports.portfolio reads storage.witness.portfolio_witness_data."""
    noted = (
        await uow.session.exec(
            select(CustomerFeedbackRow.action_id).where(
                CustomerFeedbackRow.recorded_by == person_id,
                CustomerFeedbackRow.sentiment == Sentiment.POSITIVE.value,
            )
        )
    ).all()
    suggested = (
        await uow.session.exec(
            select(NominationRow.suggestion).where(NominationRow.suggested_by == person_id)
        )
    ).all()
    return LearnerEvidence(
        statements=tuple(await statements_of(uow, person_id)),
        noted_praise=frozenset(a for a in noted if a is not None),
        suggestions=tuple(redact(r) for r in suggested if r),
        marks=tuple(await assessor_marks_of(uow, person_id)),
    )


async def words_on_actions(
    uow: UnitOfWork, person_id: str, action_ids: list[int]
) -> LearnerEvidence:
    """What `LearnerEvidence.words_on` reads, for these actions only: the learner's own
    words on them, and which of them had praise the learner recorded (a list of ten
    actions reads ten actions' worth, not the whole portfolio)."""
    noted = (
        await uow.session.exec(
            select(CustomerFeedbackRow.action_id).where(
                CustomerFeedbackRow.recorded_by == person_id,
                CustomerFeedbackRow.sentiment == Sentiment.POSITIVE.value,
                col(CustomerFeedbackRow.action_id).in_(action_ids),
            )
        )
    ).all()
    words = await statements_on(uow, action_ids)
    return LearnerEvidence(
        statements=tuple(s for found in words.values() for s in found if s.person_id == person_id),
        noted_praise=frozenset(a for a in noted if a is not None),
        suggestions=(),  # not about any one action
    )


async def assessor_marks_of(uow: UnitOfWork, person_id: str) -> list[Mark]:
    """The assessor's marks on the learner's criteria (19b: storage.assessment)."""
    return await portfolio_marks(uow, person_id)
