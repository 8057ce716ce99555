"""Which CFACSA9 performance criteria an action's record gives evidence for: the rules
the portfolio's STAR accounts and coverage matrix use, and a learner's `mine` shows."""

from __future__ import annotations

from collections.abc import Callable

from bot.domain.actions import CARRIED_OUT, Sentiment
from bot.domain.records import ActionRecord

# Each rule's codes, if it holds of the action (and the routine offer item it went
# beyond, if any). Every action shows P2 and P4.
_RULES: tuple[tuple[tuple[str, ...], Callable[[ActionRecord, str | None], bool]], ...] = (
    (("P1", "P3"), lambda _, offer: bool(offer)),
    (("P5", "P10"), lambda action, _: action.status in CARRIED_OUT),
    (("P11",), lambda action, _: bool(action.customer_aware)),
    (("P6", "P7", "P8"), lambda action, _: action.cost is not None),
    (("P9",), lambda action, _: action.request is not None),
    (("P12", "P8"), lambda action, _: action.affected_others is not None),
    (("P13",), lambda action, _: any(f.sentiment == Sentiment.POSITIVE for f in action.feedback)),
    (("P14",), lambda action, _: bool(action.feedback) or action.customer_noticed is not None),
)


def criteria_met(action: ActionRecord, offer: str | None) -> tuple[str, ...]:
    """The codes, in the standard's order; `offer` is the title of the routine offer
    item the action went beyond (None when it was not in the offer)."""
    codes = {"P2", "P4"}
    for rule_codes, holds in _RULES:
        if holds(action, offer):
            codes.update(rule_codes)
    return tuple(sorted(codes, key=lambda c: (c[0], int(c[1:]))))
