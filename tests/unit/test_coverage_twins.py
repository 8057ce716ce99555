"""A knowledge answer supports its criterion and its twin (bot.domain.coverage._TWIN): the
CU801 cell reads its CFACSA9 criterion's supports anyway, so the twin adds no evidence,
but it decides the order the matrix lists them in: knowledge answers first in 4.1-4.7."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.domain.coverage import matrix
from bot.domain.evidence import Claim, EvidenceType
from bot.domain.statements import Statement, StatementKind

AT = datetime(2026, 11, 20, tzinfo=UTC)


def _answer(n: int, criterion: str) -> Statement:
    return Statement(n, "leila", None, StatementKind.KNOWLEDGE, criterion, "Why?", "So", AT)


def test_knowledge_answers_come_first_in_cu801_s_knowledge_criteria() -> None:
    reasoning = [
        Claim("K1", EvidenceType.CANDIDATE, "their words on what our offer gives"),
        Claim("K4", EvidenceType.CANDIDATE, "their reasoning on this action"),
    ]
    knowledge = [("Q1", _answer(1, "K1")), ("Q2", _answer(2, "4.4")), ("Q3", _answer(3, "K4"))]
    found = {c.code: c.refs for c in matrix([("A1", reasoning)], knowledge=knowledge).all()}
    assert found["K1"] == ("A1", "Q1") and found["4.1"] == ("Q1", "A1")
    assert found["K4"] == ("A1", "Q2", "Q3") and found["4.4"] == ("Q2", "Q3", "A1")


def test_an_answer_on_another_cu801_criterion_supports_the_cfacsa9_one_beside_it() -> None:
    found = {c.code: c.refs for c in matrix([], knowledge=[("Q1", _answer(1, "2.3"))]).all()}
    assert found["2.3"] == ("Q1",) and found["P7"] == ("Q1",) and found["2.2"] == ("Q1",)
