"""The feasibility check (P6-P8): is an idea within the person's own authority?"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from bot.domain.org import StaffAuthority


class Answer(StrEnum):
    YES = "yes"
    NO = "no"
    UNSURE = "unsure"

    @property
    def label(self) -> str:
        return {"yes": "Yes", "no": "No", "unsure": "Not sure"}[self.value]


@dataclass(frozen=True, slots=True)
class FeasibilityCheck:
    cost: Decimal
    minutes: int
    within_authority: Answer  # P6
    within_guidelines: Answer  # P7
    within_regulations: Answer  # P7
    affects_others: Answer  # P8: YES means other customers would be affected


@dataclass(frozen=True, slots=True)
class Verdict:
    go_ahead: bool
    reasons: tuple[str, ...]  # why it needs a supervisor; empty when go_ahead


def money(amount: Decimal, currency: str) -> str:
    symbol = {"GBP": "£", "EUR": "€", "USD": "$"}.get(currency)
    return f"{symbol}{amount:,.2f}" if symbol else f"{amount:,.2f} {currency}"


def assess(check: FeasibilityCheck, authority: StaffAuthority) -> Verdict:
    """Go ahead only inside the staff authority with no doubt on any question."""
    reasons: list[str] = []
    if check.cost > authority.max_cost:
        reasons.append(
            f"it costs {money(check.cost, authority.currency)}, over the "
            f"{money(authority.max_cost, authority.currency)} staff can spend"
        )
    if check.minutes > authority.max_minutes:
        reasons.append(
            f"it takes {check.minutes} minutes, over the {authority.max_minutes} staff can give"
        )
    doubts = {
        "within your authority": check.within_authority,
        "within our guidelines": check.within_guidelines,
        "within the regulations": check.within_regulations,
    }
    for what, answer in doubts.items():
        if answer is Answer.NO:
            reasons.append(f"you said it is not {what}")
        elif answer is Answer.UNSURE:
            reasons.append(f"you weren't sure it is {what}")
    if check.affects_others is Answer.YES:
        reasons.append("it would affect the service to other customers")
    elif check.affects_others is Answer.UNSURE:
        reasons.append("you weren't sure whether other customers would be affected")
    return Verdict(go_ahead=not reasons, reasons=tuple(reasons))
