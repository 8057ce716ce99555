"""The words of a STAR account (the learner's own, redacted again as they are drawn), an
action's outcome as an assessor reads it (an approved idea: was it done?), and CU801's
evidence requirements, each with the accounts meeting it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from bot.domain.actions import (
    CARRIED_OUT,
    ActionStatus,
    AffectedOthers,
    Approach,
    Context,
    RequestStatus,
)
from bot.domain.evidence import ActionWords
from bot.domain.feasibility import money
from bot.domain.names import person_name
from bot.domain.org import Organisation
from bot.domain.records import ActionRecord
from bot.domain.redaction import redact
from bot.domain.statements import StatementKind as K

_EFFECTS = {
    AffectedOthers.NO: "It did not affect the service to other customers.",
    AffectedOthers.A_LITTLE: "It affected the service to other customers a little.",
    AffectedOthers.YES: "It affected the service to other customers.",
}


def story_rows(
    org: Organisation, action: ActionRecord, offer: str | None, words: ActionWords
) -> tuple[tuple[str, str], ...]:
    """(label, words) in STAR order; a row with nothing to say is left out."""

    def said(kind: K) -> str:
        statement = words.by_kind.get(kind)
        return redact(statement.answer) if statement else ""

    currency = org.policy.staff_authority.currency
    if offer:
        offer_line = f"Our routine offer covers: {offer}."
    elif action.offer_item_id:
        offer_line = "Nothing in our routine offer covered it."
    else:
        offer_line = ""
    rows = [
        ("Situation", redact(action.customer_need) or "Not given"),
        ("What the customer expected, and why", said(K.EXPECTATION)),
        ("Task: our offer and the gap", offer_line),
        ("Our offer, in my words", said(K.OFFER_IN_OWN_WORDS)),
        ("Action", redact(action.extra)),
        ("Procedure or initiative", _approach(action)),
        ("Checked before acting", _check(action, currency)),
        ("Supervisor's decision", _decision(org, action)),
        ("Result", _result(action, said(K.RESULT))),
        ("What the customer said", said(K.CUSTOMER_SAID)),
        ("Customer feedback", _feedback(action)),
        ("Other customers (follow-up)", _follow_up(action)),
        ("What I would do differently", said(K.REFLECTION)),
        *(
            (f"My reasoning ({code})", redact(s.answer))
            for code, s in sorted(words.reasoning.items())
        ),
    ]
    return tuple((label, text) for label, text in rows if text)


def outcome(org: Organisation, action: ActionRecord, words: ActionWords) -> str:
    """Done, or for an idea: approved and done (the learner's result), approved and not yet
    confirmed, declined, waiting."""
    status = ActionStatus(action.status)
    if status is ActionStatus.DONE:
        return "Done"
    if status is ActionStatus.APPROVED:
        done = K.RESULT in words.by_kind or bool(action.result)
        return "Approved, and done" if done else "Approved; not yet confirmed as done"
    if status is ActionStatus.DECLINED:
        return "Declined; not carried out"
    return status.label


def _approach(action: ActionRecord) -> str:
    approach = Approach(action.approach)
    return approach.label if approach is not Approach.UNSAID else ""


def _check(action: ActionRecord, currency: str) -> str:
    if action.cost is None:
        return ""
    check = action.check.replace("unsure", "not sure, so asked").replace("; ", ", ")
    check = f". {check[0].upper()}{check[1:]}" if check else ""
    return f"Cost {money(action.cost, currency)}, {action.minutes} minutes{check}"


def _decision(org: Organisation, action: ActionRecord) -> str:
    request = action.request
    if request is None:
        return ""
    if request.status not in (RequestStatus.APPROVED, RequestStatus.DECLINED):
        return f"Explained to {person_name(org, request.approver_id)}; waiting for a decision"
    decider = person_name(org, request.decided_by) if request.decided_by else "Their supervisor"
    reason = f": “{redact(request.reason)}”" if request.reason else ""
    return f"{decider} {request.status.value}{reason}"


def _result(action: ActionRecord, result: str) -> str:
    given = [w for w in (redact(action.result), result) if w]
    if given:
        return " ".join(dict.fromkeys(given))
    if action.status in CARRIED_OUT:
        return "Not yet told in the learner's words."
    return ""


def _feedback(action: ActionRecord) -> str:
    return " ".join(
        f"{f.sentiment.value.capitalize()}: “{redact(f.words) if f.words else '(removed)'}”"
        for f in action.feedback
    )


def _follow_up(action: ActionRecord) -> str:
    if action.affected_others is None:
        return ""
    note = f" {redact(action.follow_up_note)}" if action.follow_up_note else ""
    return _EFFECTS[action.affected_others] + note


class _Account(Protocol):
    @property
    def ref(self) -> str: ...
    @property
    def context(self) -> Context: ...
    @property
    def approach(self) -> Approach: ...
    @property
    def criteria(self) -> tuple[str, ...]: ...
    @property
    def day(self) -> date: ...


@dataclass(frozen=True, slots=True)
class Requirement:
    text: str
    refs: tuple[str, ...]
    detail: str = ""

    @property
    def met(self) -> bool:
        return bool(self.refs) and not self.detail.startswith("Not yet")


def requirements(stars: tuple[_Account, ...]) -> tuple[Requirement, ...]:
    done = [s for s in stars if "P10" in s.criteria]

    def refs(keep: Callable[[_Account], bool]) -> tuple[str, ...]:
        return tuple(s.ref for s in done if keep(s))

    days = sorted({s.day for s in done})
    spread = (days[-1] - days[0]).days if days else 0
    period_met = len(days) >= 3 and spread >= 14
    return (
        *(
            Requirement(f"Going the extra mile: {c.label.lower()}", refs(_in(c)))
            for c in Context.given()
        ),
        Requirement("Following procedures", refs(lambda s: s.approach is Approach.PROCEDURE)),
        Requirement("Using own initiative", refs(lambda s: s.approach is Approach.INITIATIVE)),
        Requirement(
            "Different customers on different occasions over a period",
            tuple(s.ref for s in done),
            ("" if period_met else "Not yet: ")
            + f"{len(done)} actions on {len(days)} days over {spread} days",
        ),
    )


def _in(context: Context) -> Callable[[_Account], bool]:
    def holds(account: _Account) -> bool:
        return account.context is context

    return holds
