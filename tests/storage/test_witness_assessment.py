"""Issue 19b storage on SQLite and PostgreSQL: witness statements (asked once per witness,
answered once, a sentence once, redacted), approval exchanges as P9 evidence, an
assessor's marks and evidence requests, skipped knowledge questions; and the records the
portfolio reads."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.domain.actions import ActionStatus, Approach, CheckedAction, Context
from bot.domain.assessment import (
    ExchangeKind,
    MarkStatus,
    WitnessAnswer,
    WitnessRelation,
)
from bot.domain.org import Organisation
from bot.domain.witnesses import portfolio_witnesses
from storage import assessment, witness
from storage.actions import add_action
from storage.database import Database
from storage.events import audit
from storage.exchanges import approval_exchanges
from storage.people import sync_organisation
from storage.requests import answer_question, ask_more, create_request, decide
from storage.uow import UnitOfWork

AT = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
DEED = CheckedAction(
    occurred_on=date(2026, 11, 19),
    customer_need="Lost her bus pass",
    offer_item_id="carry-out",
    extra="Rang the depot",
    status=ActionStatus.DONE,
    context=Context.QUIET,
    approach=Approach.INITIATIVE,
    customer_aware=True,
    result="Happy",
)


async def _action(database: Database, org: Organisation, status: ActionStatus) -> int:
    async with UnitOfWork(database) as uow:
        await sync_organisation(uow, org)
        from dataclasses import replace

        action = await add_action(uow, "leila", replace(DEED, status=status))
        await uow.commit()
        return action.id


async def test_a_witness_is_asked_once_and_answers_once(
    database: Database, org: Organisation
) -> None:
    action_id = await _action(database, org, ActionStatus.DONE)
    async with UnitOfWork(database) as uow:
        asked = await witness.ask(
            uow,
            action_id=action_id,
            learner_id="leila",
            witness_id="sam",
            relation=WitnessRelation.SUPERVISOR,
            witness_role="supervisor",
            at=AT,
        )
        assert asked is not None and asked.answer is None
        again = await witness.ask(
            uow,
            action_id=action_id,
            learner_id="leila",
            witness_id="sam",
            relation=WitnessRelation.SUPERVISOR,
            witness_role="supervisor",
            at=AT,
        )
        assert again is None
        assert not await witness.add_words(uow, asked.id, "too soon")  # no answer yet
        assert await witness.answer(uow, asked.id, WitnessAnswer.SAW, AT + timedelta(hours=1))
        assert not await witness.answer(uow, asked.id, WitnessAnswer.CANNOT_SAY, AT)
        assert await witness.add_words(uow, asked.id, "Saw her; she's on 07700 900123")
        assert not await witness.add_words(uow, asked.id, "again")
        await uow.commit()
    async with UnitOfWork(database) as uow:
        [statement] = await witness.witness_statements_of(uow, "leila")
        assert statement.answer is WitnessAnswer.SAW and statement.is_evidence
        assert statement.words == "Saw her; she's on [phone]"
        assert statement.answered_at == AT + timedelta(hours=1)
        assert (await witness.witness_statements_on(uow, [action_id]))[action_id] == [statement]
        # Storage gives plain data (the statement, the names); the bot words it.
        data = await witness.portfolio_witness_data(uow, "leila")
        assert data.statements == (statement,) and data.exchanges == {}
        assert data.names == {"sam": "Sam Okafor"}
        [shown] = portfolio_witnesses(data.statements, data.exchanges, data.names)
        assert (shown.witness, shown.role, shown.how_known) == (
            "Sam Okafor",
            "Supervisor",
            "saw it",
        )
        assert shown.on == date(2026, 11, 20) and shown.criteria == ("P10",)


async def test_the_approval_exchange_is_dated(database: Database, org: Organisation) -> None:
    from decimal import Decimal

    from bot.domain.feasibility import Answer, FeasibilityCheck

    action_id = await _action(database, org, ActionStatus.PENDING_APPROVAL)
    check = FeasibilityCheck(
        cost=Decimal("18"),
        minutes=10,
        within_authority=Answer.UNSURE,
        within_guidelines=Answer.YES,
        within_regulations=Answer.YES,
        affects_others=Answer.NO,
    )
    async with UnitOfWork(database) as uow:
        request_id = await create_request(
            uow,
            action_id=action_id,
            requester_id="leila",
            approver_id="sam",
            check=check,
            explanation="A loyal customer",
            now=AT,
        )
        assert await ask_more(uow, request_id, by="sam", question="Which cake?")
        await audit(
            uow,
            actor_id="sam",
            action="request.asked",
            subject_type="request",
            subject_id=str(request_id),
        )
        assert await answer_question(uow, request_id, answer="Chocolate")
        await audit(
            uow,
            actor_id="leila",
            action="request.answered",
            subject_type="request",
            subject_id=str(request_id),
        )
        from bot.domain.actions import RequestStatus

        assert await decide(
            uow,
            request_id,
            status=RequestStatus.APPROVED,
            by="sam",
            reason="Good thinking",
            now=AT + timedelta(days=1),
        )
        await uow.commit()
    async with UnitOfWork(database) as uow:
        [steps] = (await approval_exchanges(uow, "leila")).values()
        assert [(s.kind, s.by, s.words) for s in steps] == [
            (ExchangeKind.QUESTION, "sam", "Which cake?"),
            (ExchangeKind.ANSWER, "leila", "Chocolate"),
            (ExchangeKind.DECISION, "sam", "Good thinking"),
        ]
        assert all(s.at is not None for s in steps)
        assert steps[-1].at == AT + timedelta(days=1) and steps[-1].outcome == "approved"
        data = await witness.portfolio_witness_data(uow, "leila")
        [shown] = portfolio_witnesses(data.statements, data.exchanges, data.names)
        assert shown.criteria == ("P9",) and shown.how_known == "approval exchange"
        assert shown.words == (
            "Sam Okafor asked: “Which cake?” Leila Haddad answered: “Chocolate” "
            "Sam Okafor approved: “Good thinking”"
        )


async def test_marks_requests_and_skips(database: Database, org: Organisation) -> None:
    async with UnitOfWork(database) as uow:
        await sync_organisation(uow, org)
        for status, at in ((MarkStatus.NEEDS_MORE, AT), (MarkStatus.MET, AT + timedelta(days=1))):
            await assessment.add_mark(
                uow,
                learner_id="leila",
                assessor_id="ruth",
                criterion="P2",
                status=status,
                comment=status.value,
                at=at,
            )
        asked = await assessment.add_request(
            uow, learner_id="leila", assessor_id="ruth", criterion="K5", what="An example", at=AT
        )
        assert await assessment.answer_request(uow, asked.id, 41, AT)
        assert not await assessment.answer_request(uow, asked.id, 42, AT)
        await assessment.skip_question(uow, "leila", "K2", AT)
        await assessment.skip_question(uow, "leila", "K2", AT + timedelta(days=7))
        await uow.commit()
    async with UnitOfWork(database) as uow:
        marks = await assessment.current_marks(uow, "leila")
        assert list(marks) == ["P2"] and marks["P2"].status is MarkStatus.MET
        assert len(await assessment.marks_of(uow, "leila")) == 2
        shown = await assessment.portfolio_marks(uow, "leila")
        assert [(m.mark, m.assessor, m.on) for m in shown] == [
            ("needs more", "Ruth Ellis", date(2026, 11, 20)),
            ("met", "Ruth Ellis", date(2026, 11, 21)),
        ]
        [request] = await assessment.requests_of(uow, "leila")
        assert (request.statement_id, request.criterion) == (41, "K5")
        assert await assessment.skipped(uow, "leila") == {"K2": AT + timedelta(days=7)}


async def test_erasure_removes_the_learners_and_unnames_the_witness(
    database: Database, org: Organisation
) -> None:
    from storage.assessment_privacy import assessment_export
    from storage.privacy import erase_person, pseudonym

    action_id = await _action(database, org, ActionStatus.DONE)
    async with UnitOfWork(database) as uow:
        for who in ("sam", "asha"):
            asked = await witness.ask(
                uow,
                action_id=action_id,
                learner_id="leila",
                witness_id=who,
                relation=WitnessRelation.COLLEAGUE,
                witness_role="staff",
                at=AT,
            )
            assert asked is not None
        await assessment.add_mark(
            uow,
            learner_id="leila",
            assessor_id="ruth",
            criterion="P1",
            status=MarkStatus.MET,
            comment="",
            at=AT,
        )
        await assessment.skip_question(uow, "leila", "K1", AT)
        await uow.commit()
    async with UnitOfWork(database) as uow:
        held = await assessment_export(uow, "ruth")
        assert len(held["assessor_mark"]) == 1 and held["witness_statement"] == []
        await erase_person(uow, "asha", ["Asha Patel"])  # a witness: kept, unnamed
        await erase_person(uow, "ruth", ["Ruth Ellis"])  # the assessor: kept, unnamed
        await uow.commit()
    async with UnitOfWork(database) as uow:
        witnesses = [s.witness_id for s in await witness.witness_statements_of(uow, "leila")]
        assert witnesses == ["sam", pseudonym("asha")]
        [mark] = await assessment.marks_of(uow, "leila")
        assert mark.assessor_id == pseudonym("ruth")
        await erase_person(uow, "leila", ["Leila Haddad"])  # the learner: all of it goes
        await uow.commit()
    async with UnitOfWork(database) as uow:
        alias = pseudonym("leila")
        assert await witness.witness_statements_of(uow, alias) == []
        assert await assessment.marks_of(uow, alias) == []
        assert await assessment.skipped(uow, alias) == {}
