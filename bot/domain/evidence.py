"""The evidence rules (issue 19): which criteria a piece of a learner's evidence can claim.

A performance criterion is claimed only by a logged action with the learner's own words
about it, or by a witness statement; a knowledge criterion only by a knowledge answer or
the learner's reasoning on an action. A tick or a pick alone claims nothing: a picked offer
item does not claim P1 (the learner's explanation of the offer does), a yes/no tick does not
claim K4 or K5, a follow-up answered afterwards does not claim P8 (checked before acting),
and the bot passing praise on does not claim P13 (the learner noting it does).

`claims` gives each criterion an action's evidence meets with its type and why;
`criteria_met` the codes alone (a learner's `mine` and the portfolio use the same rules).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from bot.domain.actions import UNSAID_OFFER, ActionStatus
from bot.domain.records import ActionRecord
from bot.domain.statements import Statement, StatementKind


class EvidenceType(StrEnum):
    """The assessor's types of evidence."""

    CANDIDATE = "candidate statement"
    WITNESS = "witness testimony"
    PRODUCT = "product evidence"
    FEEDBACK = "customer feedback"


@dataclass(frozen=True, slots=True)
class ActionWords:
    """What the learner said about one action (the latest answer per kind), and whether
    they noted the customer's praise themselves (recorded it, so it was passed on)."""

    by_kind: dict[StatementKind, Statement] = field(default_factory=dict)
    reasoning: dict[str, Statement] = field(default_factory=dict)  # by criterion
    noted_praise: bool = False

    def has(self, *kinds: StatementKind) -> bool:
        return any(kind in self.by_kind for kind in kinds)


NO_WORDS = ActionWords()


@dataclass(frozen=True, slots=True)
class Witness:
    """A witness statement (19b stores them): who, their role, how they know, their words."""

    id: int
    action_id: int | None
    witness: str
    role: str
    how_known: str  # "saw it", "can confirm it", "approval exchange"
    words: str
    on: date
    criteria: tuple[str, ...] = ("P10",)


@dataclass(frozen=True, slots=True)
class Mark:
    """An assessor's mark on a criterion (19b stores them): met, not yet, needs more."""

    criterion: str
    mark: str
    comment: str
    assessor: str
    on: date


@dataclass(frozen=True, slots=True)
class LearnerEvidence:
    """What a portfolio reads beside the actions (storage.portfolio.learner_evidence)."""

    statements: tuple[Statement, ...]
    noted_praise: frozenset[int]  # actions whose positive feedback the learner recorded
    suggestions: tuple[str, ...]  # their reasons for suggesting a practice join the offer
    witnesses: tuple[Witness, ...] = ()
    marks: tuple[Mark, ...] = ()

    def words_on(self, action_id: int) -> ActionWords:
        mine = [s for s in self.statements if s.action_id == action_id]
        return words_of(mine, action_id in self.noted_praise)


@dataclass(frozen=True, slots=True)
class Claim:
    code: str
    type: EvidenceType
    why: str


def _checked_others_first(action: ActionRecord, words: ActionWords) -> bool:
    """P8: the effect on other customers checked before acting (the idea's check), never
    the follow-up answered afterwards."""
    if action.request is not None:
        return "affects other customers: no" in action.check
    return "P6" in words.reasoning and action.cost is not None


_S = StatementKind
_C, _P, _F = EvidenceType.CANDIDATE, EvidenceType.PRODUCT, EvidenceType.FEEDBACK
Rule = Callable[[ActionRecord, ActionWords], bool]
_RULES: tuple[tuple[str, EvidenceType, str, Rule], ...] = (
    ("P1", _C, "explains our offer in their own words", lambda a, w: w.has(_S.OFFER_IN_OWN_WORDS)),
    ("P2", _C, "says what the customer expected and why", lambda a, w: w.has(_S.EXPECTATION)),
    (
        "P3",
        _C,
        "sets the offer against the customer's expectation in their words",
        lambda a, w: (
            a.offer_item_id != UNSAID_OFFER and w.has(_S.OFFER_IN_OWN_WORDS, _S.EXPECTATION)
        ),
    ),
    ("P4", _C, "describes the extra they chose, in their words", lambda a, w: bool(a.extra)),
    ("P5", _C, "describes the extra they chose, in their words", lambda a, w: bool(a.extra)),
    (
        "P6",
        _P,
        "idea checked against their authority before acting, explained in their words",
        lambda a, w: a.request is not None or ("P6" in w.reasoning and a.cost is not None),
    ),
    (
        "P7",
        _P,
        "idea checked against guidelines and regulations before acting",
        lambda a, w: a.request is not None or ("P6" in w.reasoning and a.cost is not None),
    ),
    ("P8", _P, "effect on other customers checked before acting", _checked_others_first),
    ("P9", _P, "idea explained to their supervisor", lambda a, w: a.request is not None),
    (
        "P10",
        _C,
        "did it, in their words",
        lambda a, w: (
            a.status is ActionStatus.DONE
            or (a.status is ActionStatus.APPROVED and w.has(_S.RESULT))
        ),
    ),
    (
        "P11",
        _C,
        "the customer knew, and they say how it went",
        lambda a, w: (
            bool(a.customer_aware) and (bool(a.result) or w.has(_S.RESULT, _S.CUSTOMER_SAID))
        ),
    ),
    (
        "P12",
        _C,
        "followed up the effect on other customers, in their words",
        lambda a, w: (
            a.affected_others is not None
            and (bool(a.follow_up_note) or w.has(_S.RESULT, _S.REFLECTION))
        ),
    ),
    (
        "P13",
        _F,
        "noted the customer's praise and passed it on themselves",
        lambda a, w: w.noted_praise,
    ),
    (
        "P14",
        _C,
        "followed up the customer's reaction, in their words",
        lambda a, w: (
            (bool(a.feedback) or a.customer_noticed is not None)
            and (w.has(_S.CUSTOMER_SAID) or bool(a.follow_up_note))
        ),
    ),
    ("K1", _C, "their words on what our offer gives", lambda a, w: w.has(_S.OFFER_IN_OWN_WORDS)),
    ("K2", _C, "their words on why the customer expected it", lambda a, w: w.has(_S.EXPECTATION)),
)
_KNOWLEDGE = ("K3", "K4", "K5", "K6", "K7", "K8", "K9")


def claims(action: ActionRecord, words: ActionWords = NO_WORDS) -> tuple[Claim, ...]:
    """What one action's evidence claims, in the standard's order."""
    found = [Claim(code, kind, why) for code, kind, why, holds in _RULES if holds(action, words)]
    found += [
        Claim(code, _C, "their reasoning on this action")
        for code in _KNOWLEDGE
        if code in words.reasoning
    ]
    return tuple(sorted(found, key=lambda c: order(c.code)))


def criteria_met(
    action: ActionRecord, offer: str | None = None, words: ActionWords = NO_WORDS
) -> tuple[str, ...]:
    """The codes an action's evidence claims (`offer` is kept for callers; the rules read
    the action's offer item and the learner's words)."""
    del offer
    return tuple(c.code for c in claims(action, words))


def words_of(statements: list[Statement], noted_praise: bool = False) -> ActionWords:
    """One action's statements, the latest per kind (reasoning: per criterion)."""
    by_kind: dict[StatementKind, Statement] = {}
    reasoning: dict[str, Statement] = {}
    for s in sorted(statements, key=lambda s: (s.created_at, s.id)):
        if s.kind in (StatementKind.REASONING, StatementKind.KNOWLEDGE) and s.criterion:
            reasoning[s.criterion] = s
        else:
            by_kind[s.kind] = s
    return ActionWords(by_kind, reasoning, noted_praise)


def order(code: str) -> tuple[int, float]:
    """The standard's order: P1-P14, K1-K9, then CU801's 1.1-4.7."""
    if code[0] in "PK":
        return (0 if code[0] == "P" else 1, float(code[1:]))
    major, _, minor = code.partition(".")
    return (2, int(major) * 100 + int(minor or 0))
