"""Evidence in a learner's own words (issue 19): the kinds of statement, and the record
storage returns (storage.evidence). A statement is what the learner said, redacted of
customers' personal details before it is stored, with the words they were asked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class StatementKind(StrEnum):
    """What a statement is evidence of; the portfolio's claim rules read the kind."""

    EXPECTATION = "expectation"  # what the customer expected, and why (P2, K2)
    OFFER_IN_OWN_WORDS = "offer_in_own_words"  # what the routine offer gives them (P1, K1)
    RESULT = "result"  # what happened (STAR result; P10 confirmed)
    CUSTOMER_SAID = "customer_said"  # what the customer said (P11, P14)
    REFLECTION = "reflection"  # what they would do differently
    REASONING = "reasoning"  # their reasoning on an action, for the criterion given (K3-K9)
    KNOWLEDGE = "knowledge"  # an answer to a knowledge question, for the criterion given


# The questions the bot asks, word for word (kept with each answer).
QUESTIONS = {
    StatementKind.EXPECTATION: "What did the customer expect, and why?",
    StatementKind.OFFER_IN_OWN_WORDS: "What does our routine offer give them? In your words",
    StatementKind.RESULT: "What happened?",
    StatementKind.CUSTOMER_SAID: "What did the customer say?",
    StatementKind.REFLECTION: "What would you do differently next time?",
}
# An idea's explanation, asked in the idea form, is kept as a learner's reasoning: having
# checked before acting (P6).
IDEA_QUESTION = "Why would it help the customer?"
IDEA_CRITERION = "P6"


@dataclass(frozen=True, slots=True)
class Statement:
    """One statement, as stored."""

    id: int
    person_id: str
    action_id: int | None
    kind: StatementKind
    criterion: str  # "K2", "4.3", or "" when the kind says it
    question: str
    answer: str  # redacted
    created_at: datetime


def latest(statements: list[Statement]) -> dict[tuple[int | None, StatementKind, str], Statement]:
    """The latest statement per (action, kind, criterion): a later answer replaces an
    earlier one in the portfolio (both stay stored)."""
    found: dict[tuple[int | None, StatementKind, str], Statement] = {}
    for s in sorted(statements, key=lambda s: (s.created_at, s.id)):
        found[(s.action_id, s.kind, s.criterion)] = s
    return found
