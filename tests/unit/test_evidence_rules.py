"""Issue 19: each claim rule at its edge. A picked offer item alone does not claim P1, the
learner's own explanation does; a yes/no tick does not claim K4; a witness statement claims
P10; a follow-up answered afterwards does not claim P8; praise the bot passed on does not
claim P13."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

from bot.domain.actions import (
    ActionStatus,
    AffectedOthers,
    Approach,
    Context,
    RequestStatus,
    Sentiment,
)
from bot.domain.coverage import matrix
from bot.domain.evidence import ActionWords, Witness, claims, criteria_met, words_of
from bot.domain.records import ActionRecord, FeedbackRecord, RequestRecord
from bot.domain.statements import Statement, StatementKind

AT = datetime.fromisoformat("2026-11-20T12:00:00+00:00")
DEED = ActionRecord(
    id=1,
    occurred_on=date(2026, 11, 20),
    customer_need="Her shopping was heavy",
    offer_item_id="carry-out",
    extra="Carried her shopping to the car",
    status=ActionStatus.DONE,
    context=Context.BUSY,
    approach=Approach.INITIATIVE,
    customer_aware=True,
    result="",
    cost=None,
    minutes=None,
    check="",
    request=None,
    feedback=(),
    affected_others=None,
    customer_noticed=None,
    follow_up_note=None,
)


def said(kind: StatementKind, answer: str = "In my words", criterion: str = "") -> Statement:
    return Statement(1, "asha", 1, kind, criterion, "?", answer, AT)


def test_a_picked_offer_item_alone_does_not_claim_p1_the_learners_explanation_does() -> None:
    assert "P1" not in criteria_met(DEED, "Carry-out to the car")
    assert "K1" not in criteria_met(DEED)
    words = words_of([said(StatementKind.OFFER_IN_OWN_WORDS, "We carry bags to the door")])
    assert {"P1", "K1", "P3"} <= set(criteria_met(DEED, None, words))


def test_the_customers_expectation_in_their_words_claims_p2_and_k2() -> None:
    assert "P2" not in criteria_met(DEED)
    words = words_of([said(StatementKind.EXPECTATION, "She expected help: she's a regular")])
    assert {"P2", "K2"} <= set(criteria_met(DEED, None, words))


def test_a_yes_no_tick_does_not_claim_k4_or_k5_reasoning_does() -> None:
    idea = replace(
        DEED,
        status=ActionStatus.APPROVED,
        cost=Decimal("45"),
        minutes=30,
        check="within authority: yes; guidelines: yes; regulations: yes; "
        "affects other customers: no",
        request=RequestRecord("sam", RequestStatus.APPROVED, "sam", None),
    )
    codes = set(criteria_met(idea))
    assert {"P6", "P7", "P8", "P9"} <= codes
    assert not {"K4", "K5"} & codes
    words = words_of([said(StatementKind.REASONING, "Over £20 needs Sam", criterion="K4")])
    assert "K4" in criteria_met(idea, None, words)


def test_an_approved_idea_claims_p10_only_once_the_learner_says_it_was_done() -> None:
    approved = replace(DEED, status=ActionStatus.APPROVED)
    assert "P10" not in criteria_met(approved)
    assert "P10" in criteria_met(approved, None, words_of([said(StatementKind.RESULT)]))


def test_p8_is_not_claimed_from_a_follow_up_answered_afterwards() -> None:
    followed = replace(DEED, affected_others=AffectedOthers.NO, follow_up_note="Queue was fine")
    codes = set(criteria_met(followed))
    assert "P8" not in codes and "P12" in codes
    assert "P12" not in criteria_met(replace(followed, follow_up_note=None))


def test_p13_is_not_claimed_because_the_bot_passed_praise_on() -> None:
    praised = replace(DEED, feedback=(FeedbackRecord(Sentiment.POSITIVE, "Lovely"),))
    assert "P13" not in criteria_met(praised)
    assert "P13" in criteria_met(praised, None, ActionWords(noted_praise=True))


def test_a_witness_statement_claims_p10() -> None:
    idea = replace(DEED, status=ActionStatus.APPROVED)
    alone = matrix([("A1", claims(idea))])
    [p10] = [c for c in alone.performance if c.code == "P10"]
    assert p10.gap and "witnessed" in p10.gap_reason
    witness = Witness(1, 1, "Sam Okafor", "Supervisor", "saw it", "She did", date(2026, 11, 20))
    seen = matrix([("A1", claims(idea))], witnesses=[("W1", witness)])
    [p10] = [c for c in seen.performance if c.code == "P10"]
    assert p10.refs == ("W1",) and p10.supports[0].type == "witness testimony"
    [cu] = [c for c in seen.cu801 if c.code == "3.1"]
    assert cu.refs == ("W1",)


def test_a_knowledge_answer_claims_its_criterion_and_cu801s_twin() -> None:
    answer = Statement(2, "asha", None, StatementKind.KNOWLEDGE, "K2", "How?", "Adverts", AT)
    found = matrix([], knowledge=[("Q1", answer)])
    assert [c.refs for c in found.knowledge if c.code == "K2"] == [("Q1",)]
    assert [c.refs for c in found.cu801 if c.code == "4.2"] == [("Q1",)]
    assert all(c.gap for c in found.knowledge if c.code != "K2")
