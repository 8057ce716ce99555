"""SQLModel tables for the whole domain.

Datetimes are aware and stored in UTC (sqlmodel's UTCDateTime refuses naive
ones); dates are the organisation's local calendar dates. JSON columns hold validated pydantic
models serialised by the storage functions, never pickles.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy import JSON, Column, Index, Numeric, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.domain.actions import NominationStatus, OfferSource, OutboxStatus, RequestStatus


class PersonRow(SQLModel, table=True):
    __tablename__ = "person"

    id: str = Field(primary_key=True, max_length=63)
    name: str = Field(max_length=120)
    role: str = Field(max_length=20)
    supervisor_id: str | None = Field(default=None, max_length=63)
    timezone: str | None = Field(default=None, max_length=64)
    # The time zone Slack or Teams reports for them; the organisation file's wins.
    platform_timezone: str | None = Field(default=None, max_length=64)
    active: bool = True
    away_until: date | None = None  # set in chat; the organisation file's applies otherwise
    delegate_id: str | None = Field(default=None, max_length=63)
    prompts_paused_until: date | None = None


class PlatformIdentityRow(SQLModel, table=True):
    __tablename__ = "platform_identity"
    __table_args__ = (UniqueConstraint("platform", "platform_user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: str = Field(foreign_key="person.id", index=True, max_length=63)
    platform: str = Field(max_length=20)
    platform_user_id: str = Field(max_length=128)


class ConversationRefRow(SQLModel, table=True):
    """Where to reach a person proactively (Slack DM channel, Teams conversation reference)."""

    __tablename__ = "conversation_ref"
    __table_args__ = (UniqueConstraint("person_id", "platform"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: str = Field(foreign_key="person.id", max_length=63)
    platform: str = Field(max_length=20)
    address: dict[str, object] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    reachable: bool = True
    updated_at: datetime
    # When the person last wrote to the bot from this platform (the freshest one is
    # where their messages go); None until they have, or until it stopped being the latest.
    heard_at: datetime | None = None


class ServiceOfferItemRow(SQLModel, table=True):
    __tablename__ = "service_offer_item"

    id: str = Field(primary_key=True, max_length=63)
    title: str = Field(max_length=150)
    source: str = Field(default=OfferSource.ORGANISATION, max_length=20)
    nomination_id: int | None = None
    adopted_at: datetime | None = None
    active: bool = True


class PracticeRow(SQLModel, table=True):
    """A kind of extra-mile deed that several actions share (K9)."""

    __tablename__ = "practice"

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200)
    created_by: str = Field(foreign_key="person.id", max_length=63)
    created_at: datetime
    # A manager's own wording: kept as it is when actions join (else the title is the
    # wording most used among the practice's actions, worked out as they join).
    title_locked: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    merged_into: int | None = None  # kept after a merge, so its number is never reused


class ActionRow(SQLModel, table=True):
    __tablename__ = "extra_mile_action"
    __table_args__ = (
        Index("ix_action_person_created", "person_id", "created_at"),
        Index("ix_action_created", "created_at"),
        Index("ix_action_practice", "practice_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    person_id: str = Field(foreign_key="person.id", max_length=63)
    occurred_on: date = Field(index=True)
    customer_need: str
    offer_item_id: str = Field(max_length=63)
    extra: str
    status: str = Field(max_length=20)  # an ActionStatus
    context: str = Field(max_length=20)
    approach: str = Field(max_length=20)
    customer_aware: bool | None = None
    result: str = ""
    practice_id: int | None = Field(default=None, foreign_key="practice.id")
    cost: Decimal | None = Field(default=None, sa_column=Column(Numeric(10, 2)))
    minutes: int | None = None
    follow_up_asked: int = 0
    follow_up_answered_at: datetime | None = None
    affected_others: str | None = Field(default=None, max_length=20)  # an AffectedOthers
    follow_up_note: str | None = None
    customer_noticed: bool | None = None
    created_at: datetime
    updated_at: datetime


class FeasibilityRequestRow(SQLModel, table=True):
    """P6-P9: an idea beyond the person's authority, put to their supervisor."""

    __tablename__ = "feasibility_request"

    id: int | None = Field(default=None, primary_key=True)
    action_id: int = Field(foreign_key="extra_mile_action.id", index=True)
    requester_id: str = Field(foreign_key="person.id", max_length=63)
    approver_id: str = Field(foreign_key="person.id", index=True, max_length=63)
    # The four questions of the check, answered yes / no / unsure.
    within_authority: str = Field(max_length=10)
    within_guidelines: str = Field(max_length=10)
    within_regulations: str = Field(max_length=10)
    affects_others: str = Field(max_length=10)
    explanation: str = ""
    status: str = Field(default=RequestStatus.PENDING, max_length=20, index=True)
    question: str | None = None
    answer: str | None = None
    decided_by: str | None = Field(default=None, max_length=63)
    decided_at: datetime | None = None
    decision_reason: str | None = None
    cost: Decimal | None = Field(default=None, sa_column=Column(Numeric(10, 2)))
    minutes: int | None = None
    # Everyone the card was sent to (approver, delegates, escalations): all see updates.
    card_sent_to: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    reminded_at: datetime | None = None
    escalated_at: datetime | None = None
    created_at: datetime


class PostedCardRow(SQLModel, table=True):
    """Where a card was posted, so it can be updated in place for everyone."""

    __tablename__ = "posted_card"
    __table_args__ = (UniqueConstraint("card_key", "platform", "address_key"),)

    id: int | None = Field(default=None, primary_key=True)
    card_key: str = Field(max_length=120, index=True)
    person_id: str = Field(max_length=63)
    platform: str = Field(max_length=20)
    address_key: str = Field(max_length=200)
    address: dict[str, object] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime


class CustomerFeedbackRow(SQLModel, table=True):
    __tablename__ = "customer_feedback"

    id: int | None = Field(default=None, primary_key=True)
    action_id: int | None = Field(default=None, foreign_key="extra_mile_action.id", index=True)
    person_id: str = Field(foreign_key="person.id", index=True, max_length=63)
    recorded_by: str = Field(foreign_key="person.id", max_length=63)
    channel: str = Field(max_length=20)
    sentiment: str = Field(max_length=10)
    words: str | None = None  # redacted; removed after the retention period
    rating: int | None = None
    quoted_from: str | None = Field(default=None, max_length=128)  # author of a quoted message
    words_removed_at: datetime | None = None
    created_at: datetime


class NominationRow(SQLModel, table=True):
    """A practice seen working often enough to be proposed for the routine offer (3.5, K7)."""

    __tablename__ = "nomination"

    id: int | None = Field(default=None, primary_key=True)
    practice_id: int = Field(foreign_key="practice.id", unique=True)
    status: str = Field(default=NominationStatus.OPEN, max_length=20)
    successes: int = 0
    people: int = 0
    weeks: int = 0
    decided_by: str | None = Field(default=None, max_length=63)
    decided_at: datetime | None = None
    reason: str | None = None
    # A person's own suggestion for the routine offer (3.5), and why.
    suggested_by: str | None = Field(default=None, max_length=63)
    suggestion: str | None = None
    created_at: datetime


class ConversationStateRow(SQLModel, table=True):
    """Where a person is in a multi-step flow; lets a conversation survive a restart."""

    __tablename__ = "conversation_state"

    person_id: str = Field(primary_key=True, foreign_key="person.id", max_length=63)
    flow: str = Field(max_length=40)
    step: str = Field(max_length=40)
    data: dict[str, object] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    updated_at: datetime


class OutboxRow(SQLModel, table=True):
    """A message to someone other than the sender, written with the state change it reports."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_due", "status", "next_attempt_at"),
        Index("ix_outbox_person_pending", "person_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    person_id: str | None = Field(default=None, max_length=63)
    platform: str = Field(max_length=20)
    target: str = Field(max_length=200)
    payload: dict[str, object] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    dedupe_key: str | None = Field(default=None, unique=True, max_length=200)
    status: str = Field(default=OutboxStatus.PENDING, max_length=20)
    attempts: int = 0
    next_attempt_at: datetime
    last_error: str | None = None
    # An attempt may have reached the platform (timed out): check before sending again.
    maybe_sent: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    created_at: datetime
    sent_at: datetime | None = None


class ProcessedEventRow(SQLModel, table=True):
    """Inbound event keys already handled: processing a key twice changes nothing."""

    __tablename__ = "processed_event"

    key: str = Field(primary_key=True, max_length=200)
    processed_at: datetime = Field(index=True)


class ScheduledRunRow(SQLModel, table=True):
    __tablename__ = "scheduled_run"
    __table_args__ = (UniqueConstraint("job", "period", "recipient"),)

    id: int | None = Field(default=None, primary_key=True)
    job: str = Field(max_length=40)
    period: str = Field(max_length=40)
    recipient: str = Field(max_length=63)
    created_at: datetime


class AuditLogRow(SQLModel, table=True):
    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(index=True)
    actor_id: str | None = Field(default=None, max_length=63)
    action: str = Field(max_length=60)
    subject_type: str = Field(max_length=40)
    subject_id: str = Field(max_length=63)
    detail: dict[str, object] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class AppSecretRow(SQLModel, table=True):
    """Keys the application makes for itself, once per database (the download links'
    signing key): every worker and every restart uses the same one."""

    __tablename__ = "app_secret"

    name: str = Field(primary_key=True, max_length=40)
    value: str = Field(max_length=200)  # base64url
    created_at: datetime


class BlobRow(SQLModel, table=True):
    """Bytes a message carries (a digest's chart, a portfolio PDF, a data export), stored
    once and referenced by id from every outbox row that carries them."""

    __tablename__ = "blob"
    __table_args__ = (UniqueConstraint("sha256", "owner_id"),)

    id: int | None = Field(default=None, primary_key=True)
    sha256: str = Field(max_length=64)
    mime: str = Field(max_length=100)
    data: bytes = Field(sa_column=Column(sa.LargeBinary, nullable=False))
    # Whose personal data the bytes hold (a portfolio's learner), erased with them; "" for
    # none (a chart of a team's counts), which any number of messages may share.
    owner_id: str = Field(default="", max_length=63, index=True)
    created_at: datetime
