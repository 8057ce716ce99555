"""The records storage returns (never table rows) and the core reads: plain, frozen, typed.
Statuses are the enums of bot.domain.actions. Nothing here imports storage."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from bot.domain.actions import (
    OPEN_REQUEST,
    ActionStatus,
    AffectedOthers,
    Approach,
    Context,
    NominationStatus,
    RequestStatus,
    Sentiment,
)
from bot.domain.feasibility import FeasibilityCheck


@dataclass(frozen=True, slots=True)
class ConversationState:
    """Where a person is in a multi-step flow (kept across restarts)."""

    flow: str
    step: str
    data: dict[str, str]


# --- feasibility requests, customer feedback, follow-ups --------------------------------------


@dataclass(frozen=True, slots=True)
class RequestView:
    """A request with the action it is about: everything its card shows."""

    id: int
    action_id: int
    requester_id: str
    approver_id: str
    status: RequestStatus
    check: FeasibilityCheck
    explanation: str
    question: str | None
    answer: str | None
    decided_by: str | None
    decided_at: datetime | None
    reason: str | None
    created_at: datetime
    card_sent_to: tuple[str, ...]
    reminded_at: datetime | None
    escalated_at: datetime | None
    customer_need: str
    offer_item_id: str
    extra: str
    occurred_on: date  # the action's own date: the card says what day it is for

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REQUEST

    @property
    def card_key(self) -> str:
        return f"request:{self.id}"


@dataclass(frozen=True, slots=True)
class NewFeedback:
    action_id: int | None
    person_id: str
    recorded_by: str
    channel: str
    sentiment: Sentiment
    words: str
    rating: int | None
    quoted_from: str | None


@dataclass(frozen=True, slots=True)
class FeedbackLine:
    sentiment: Sentiment
    words: str | None  # None once removed after the retention period


@dataclass(frozen=True, slots=True)
class StoredFeedback:
    id: int
    action_id: int | None
    person_id: str
    recorded_by: str
    sentiment: Sentiment
    words: str | None  # redacted; None once removed after the retention period


@dataclass(frozen=True, slots=True)
class DueAction:
    """An action carried out, as its follow-up sees it."""

    id: int
    person_id: str
    extra: str
    carried_out: date
    asked: int
    answered: bool


@dataclass(frozen=True, slots=True)
class FollowUpAnswer:
    affected_others: AffectedOthers
    customer_noticed: bool | None
    note: str


# --- practices and nominations ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PracticeView:
    id: int
    title: str
    examples: tuple[str, ...]
    times: int


@dataclass(frozen=True, slots=True)
class Evidence:
    """One action of a practice, as the nomination rule and the manager see it."""

    action_id: int
    person_id: str
    occurred_on: date
    status: ActionStatus
    extra: str
    customer_aware: bool | None
    customer_noticed: bool | None
    affected_others: AffectedOthers | None
    positive_words: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PracticeSummary:
    """What a nomination card shows of a practice's actions, however many there are."""

    people: tuple[str, ...]  # the first few who did it, by id
    people_count: int
    quotes: tuple[str, ...]  # a few positive words customers said
    affected: int  # follow-ups that said other customers felt it


@dataclass(frozen=True, slots=True)
class SuccessCounts:
    successes: int
    people: int
    weeks: int  # distinct ISO weeks


@dataclass(frozen=True, slots=True)
class NominationView:
    id: int
    practice_id: int
    title: str
    status: NominationStatus
    successes: int
    people: int
    weeks: int
    suggested_by: str | None
    suggestion: str | None
    decided_by: str | None
    reason: str | None

    @property
    def card_key(self) -> str:
        return f"nomination:{self.id}"


@dataclass(frozen=True, slots=True)
class AdoptedOfferItem:
    """A routine offer item adopted from a nomination (the file's own are in bot.domain.org)."""

    id: str
    title: str
    adopted_at: datetime | None


# --- figures for the digest and summaries; the outbox and its files; the audit log ------------


@dataclass(frozen=True, slots=True)
class ActionFact:
    id: int
    person_id: str
    context: Context
    extra: str
    customer_aware: bool | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Decision:
    status: RequestStatus
    created_at: datetime
    decided_at: datetime


@dataclass(frozen=True, slots=True)
class Praise:
    person_id: str
    action_id: int | None
    words: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Unreached:
    """Someone whose latest message could not be delivered."""

    person_id: str
    reason: str
    since: datetime


@dataclass(frozen=True, slots=True)
class OutboxItem:
    id: int
    person_id: str  # empty for a message to a channel
    platform: str  # "auto" (the person's platform) or the channel's
    target: str  # the person's id, or the channel's
    payload: dict[str, object]
    attempts: int
    dedupe_key: str
    # Claimed before by a worker that vanished without saying how it went: the platform
    # may have it already, so the messenger checks before sending again.
    maybe_sent: bool = False


@dataclass(frozen=True, slots=True)
class Blob:
    """Bytes a message carries (a chart, a PDF), stored once (storage.blobs)."""

    id: int
    mime: str
    data: bytes


@dataclass(frozen=True, slots=True)
class AuditEntry:
    at: datetime
    actor_id: str | None
    action: str
    subject_type: str
    subject_id: str
    detail: dict[str, object]


# --- the portfolio ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FeedbackRecord:
    sentiment: Sentiment
    words: str | None


@dataclass(frozen=True, slots=True)
class RequestRecord:
    approver_id: str
    status: RequestStatus
    decided_by: str | None
    reason: str | None


@dataclass(frozen=True, slots=True)
class ActionRecord:
    id: int
    occurred_on: date
    customer_need: str
    offer_item_id: str
    extra: str
    status: ActionStatus
    context: Context
    approach: Approach
    customer_aware: bool | None
    result: str
    cost: Decimal | None
    minutes: int | None
    check: str
    request: RequestRecord | None
    feedback: tuple[FeedbackRecord, ...]
    affected_others: AffectedOthers | None
    customer_noticed: bool | None
    follow_up_note: str | None


@dataclass(frozen=True, slots=True)
class PortfolioData:
    actions: tuple[ActionRecord, ...]
    nominated_or_suggested: bool
    decided_nomination: bool
