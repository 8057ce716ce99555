"""The portfolio's witnesses in words (bot.domain.witnesses): storage gives plain data
(statements, exchanges, names), the bot words the roles, how they know and the exchange."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.domain.assessment import (
    Exchange,
    ExchangeKind,
    WitnessAnswer,
    WitnessRelation,
    WitnessStatement,
)
from bot.domain.witnesses import portfolio_witnesses

AT = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
NAMES = {"sam": "Sam Okafor", "tom": "Tom Reilly", "leila": "Leila Haddad"}


def _statement(n: int, witness: str, relation: WitnessRelation, role: str) -> WitnessStatement:
    return WitnessStatement(
        id=n,
        action_id=7,
        learner_id="leila",
        witness_id=witness,
        relation=relation,
        witness_role=role,
        asked_at=AT,
        answer=WitnessAnswer.CONFIRM,
        words="",
        answered_at=AT,
    )


def test_roles_how_they_know_and_the_exchange_in_words() -> None:
    statements = (
        _statement(1, "sam", WitnessRelation.SUPERVISOR, "supervisor"),
        _statement(2, "tom", WitnessRelation.COLLEAGUE, "staff"),
        _statement(3, "ana", WitnessRelation.COLLEAGUE, "manager"),
    )
    steps = [
        Exchange(8, 5, ExchangeKind.QUESTION, "sam", "Which cake?", AT),
        Exchange(8, 5, ExchangeKind.ANSWER, "leila", "Chocolate", None),
        Exchange(8, 5, ExchangeKind.DECISION, "sam", "", AT, outcome="approved"),
    ]
    shown = portfolio_witnesses(statements, {8: steps}, NAMES)
    assert [(w.witness, w.role, w.how_known) for w in shown] == [
        ("Sam Okafor", "Supervisor", "can confirm it"),
        ("Tom Reilly", "Colleague", "can confirm it"),
        ("ana", "Manager (colleague)", "can confirm it"),
        ("Sam Okafor", "Supervisor", "approval exchange"),
    ]
    assert shown[0].words == "Confirmed with one tap; no sentence added."
    assert shown[0].criteria == ("P10",) and shown[0].on == date(2026, 11, 20)
    assert shown[3].id == -5 and shown[3].criteria == ("P9",) and shown[3].action_id == 8
    assert shown[3].words == (
        "Sam Okafor asked: “Which cake?” Leila Haddad answered: “Chocolate” Sam Okafor approved."
    )
