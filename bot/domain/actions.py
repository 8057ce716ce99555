"""Domain vocabulary (from CFACSA9 / CU801): every status, and the action records.

The other records storage returns are in bot.domain.records; neither module imports storage."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

NOT_COVERED = "not-covered"
UNSAID_OFFER = ""  # which part of the offer: not given yet


class Context(StrEnum):
    """CU801's evidence requirement: the situations the extra mile happened in."""

    ROUTINE = "routine"
    BUSY = "busy"
    QUIET = "quiet"
    LET_DOWN = "let_down"
    UNSAID = ""  # not given yet: a detail added with one tap after saving

    @property
    def label(self) -> str:
        return CONTEXT_LABELS[self]

    @classmethod
    def given(cls) -> tuple[Context, ...]:
        """The situations a person can pick."""
        return tuple(c for c in cls if c is not cls.UNSAID)


CONTEXT_LABELS = {
    Context.ROUTINE: "Routine service",
    Context.BUSY: "A busy time",
    Context.QUIET: "A quiet time",
    Context.LET_DOWN: "People, systems or resources let me down",
    Context.UNSAID: "Situation not given",
}


class Approach(StrEnum):
    PROCEDURE = "procedure"
    INITIATIVE = "initiative"
    UNSAID = ""  # not given yet

    @property
    def label(self) -> str:
        return {
            Approach.PROCEDURE: "Following a procedure",
            Approach.INITIATIVE: "My own initiative",
            Approach.UNSAID: "Not given",
        }[self]

    @classmethod
    def given(cls) -> tuple[Approach, ...]:
        return tuple(a for a in cls if a is not cls.UNSAID)


class ActionStatus(StrEnum):
    DONE = "done"
    PROPOSED = "proposed"
    PENDING_APPROVAL = "pending_approval"
    APPROVED = "approved"
    DECLINED = "declined"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {
    ActionStatus.DONE: "Done",
    ActionStatus.PROPOSED: "Idea",
    ActionStatus.PENDING_APPROVAL: "Waiting for approval",
    ActionStatus.APPROVED: "Approved",
    ActionStatus.DECLINED: "Declined",
}


# Done within authority, or approved by a supervisor: what follow-ups and the
# nomination rule count as carried out.
CARRIED_OUT = frozenset({ActionStatus.DONE, ActionStatus.APPROVED})


class RequestStatus(StrEnum):
    """A feasibility request: pending, perhaps info_requested and pending again, then
    decided (approved or declined)."""

    PENDING = "pending"
    INFO_REQUESTED = "info_requested"
    APPROVED = "approved"
    DECLINED = "declined"


OPEN_REQUEST = (RequestStatus.PENDING, RequestStatus.INFO_REQUESTED)


class NominationStatus(StrEnum):
    """A practice nominated for the routine offer: open until a manager decides."""

    OPEN = "open"
    ADOPTED = "adopted"
    DISMISSED = "dismissed"


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class OfferSource(StrEnum):
    """Where a routine offer item comes from: the organisation file, or a nomination."""

    ORGANISATION = "organisation"
    ADOPTED = "adopted"


class Sentiment(StrEnum):
    """Customer feedback's tone (P13 is positive feedback)."""

    POSITIVE = "positive"
    MIXED = "mixed"
    NEGATIVE = "negative"


class AffectedOthers(StrEnum):
    """The follow-up's answer (P12): did the extra mile affect other customers?"""

    NO = "no"
    A_LITTLE = "a_little"
    YES = "yes"


@dataclass(frozen=True, slots=True)
class LoggedAction:
    """An extra-mile action as the flows see it (storage returns these, not rows)."""

    id: int
    person_id: str
    occurred_on: date
    customer_need: str
    offer_item_id: str
    extra: str
    status: ActionStatus
    context: Context
    approach: Approach
    customer_aware: bool | None
    result: str
    created_at: datetime
    affected_others: AffectedOthers | None = None  # the follow-up (P12)
    customer_noticed: bool | None = None
    follow_up_note: str | None = None


@dataclass(frozen=True, slots=True)
class CheckedAction:
    """A draft that passed every check, ready to store."""

    occurred_on: date
    customer_need: str
    offer_item_id: str
    extra: str
    status: ActionStatus
    context: Context
    approach: Approach
    customer_aware: bool | None
    result: str


def criteria_evidenced(action: CheckedAction) -> list[str]:
    """CFACSA9 performance criteria a checked action's record claims on its own, before any
    of the learner's words (issue 19, bot.domain.evidence): the extra they chose, in their
    words (P4, P5), and done (P10). The need and a picked offer item alone claim no P2 or
    P3, and "the customer knew" ticked alone no P11: those need the learner's own words."""
    found = ["P4", "P5"] if action.extra else []
    if action.status is ActionStatus.DONE:
        found.append("P10")
    return found
