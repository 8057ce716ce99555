"""Data protection (UK GDPR): retention of customer words, subject access, erasure."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import delete, update
from sqlmodel import SQLModel, col, or_, select

from bot.domain.records import AuditEntry
from storage.action_vectors import forget_vectors_of
from storage.assessment_privacy import assessment_export, forget_assessment_of
from storage.blobs import blobs_of, erase_blobs_of
from storage.evidence import forget_statements_of, statements_of
from storage.summary import rekey_supervisor
from storage.tables import (
    ActionRow,
    AuditLogRow,
    ConversationRefRow,
    ConversationStateRow,
    CustomerFeedbackRow,
    FeasibilityRequestRow,
    NominationRow,
    OutboxRow,
    PersonRow,
    PlatformIdentityRow,
    PostedCardRow,
    PracticeRow,
    ScheduledRunRow,
)
from storage.uow import UnitOfWork


async def remove_old_words(uow: UnitOfWork, before: datetime, now: datetime) -> int:
    """Customer words recorded before `before` go; counts and sentiment stay."""
    result = await uow.session.exec(
        update(CustomerFeedbackRow)
        .where(col(CustomerFeedbackRow.created_at) < before)
        .where(col(CustomerFeedbackRow.words).is_not(None))
        .values(words=None, words_removed_at=now)
    )
    return int(result.rowcount or 0)


def _rows(rows: Any) -> list[dict[str, Any]]:
    return [row.model_dump(mode="json") for row in rows]


async def export_person(uow: UnitOfWork, person_id: str) -> dict[str, Any]:
    """Everything held about a person (subject access)."""
    s = uow.session

    async def find(table: type[SQLModel], *conditions: Any) -> list[dict[str, Any]]:
        return _rows((await s.exec(select(table).where(or_(*conditions)))).all())

    return {
        "person": await find(PersonRow, PersonRow.id == person_id),
        "platform_identities": await find(
            PlatformIdentityRow, PlatformIdentityRow.person_id == person_id
        ),
        "conversation_addresses": await find(
            ConversationRefRow, ConversationRefRow.person_id == person_id
        ),
        "conversation_state": await find(
            ConversationStateRow, ConversationStateRow.person_id == person_id
        ),
        "actions": await find(ActionRow, ActionRow.person_id == person_id),
        "feasibility_requests": await find(
            FeasibilityRequestRow,
            FeasibilityRequestRow.requester_id == person_id,
            FeasibilityRequestRow.approver_id == person_id,
            FeasibilityRequestRow.decided_by == person_id,
        ),
        "customer_feedback": await find(
            CustomerFeedbackRow,
            CustomerFeedbackRow.person_id == person_id,
            CustomerFeedbackRow.recorded_by == person_id,
        ),
        "practices_started": await find(PracticeRow, PracticeRow.created_by == person_id),
        "nominations": await find(
            NominationRow,
            NominationRow.suggested_by == person_id,
            NominationRow.decided_by == person_id,
        ),
        "messages_queued": await find(OutboxRow, OutboxRow.person_id == person_id),
        "scheduled_messages": await find(ScheduledRunRow, ScheduledRunRow.recipient == person_id),
        # Their own words for a portfolio (issue 19), as stored (redacted).
        "evidence_statements": [
            {**asdict(statement), "created_at": statement.created_at.isoformat()}
            for statement in await statements_of(uow, person_id)
        ],
        # Witness statements, an assessor's marks and requests, skipped questions (19b).
        "assessment": await assessment_export(uow, person_id),
        "files_about_them": await blobs_of(uow, person_id),  # portfolios, exports (not the bytes)
        "audit_log": await find(
            AuditLogRow, AuditLogRow.actor_id == person_id, AuditLogRow.subject_id == person_id
        ),
    }


def pseudonym(person_id: str) -> str:
    return "erased-" + hashlib.sha256(person_id.encode()).hexdigest()[:10]


async def erase_person(uow: UnitOfWork, person_id: str, names: list[str]) -> str:
    """Remove what identifies the person; keep what the figures need under a pseudonym.

    Their rows are re-keyed to the pseudonym, their name is taken out of free text,
    their platform identities, addresses, queued messages and posted cards are deleted, and
    so are the files about them (their portfolios and data exports, storage.blobs).
    """
    s = uow.session
    alias = pseudonym(person_id)
    row = await s.get(PersonRow, person_id)
    supervisor = row.supervisor_id if row else None
    role = row.role if row else "staff"
    if await s.get(PersonRow, alias) is None:
        s.add(
            PersonRow(
                id=alias, name="Erased person", role=role, supervisor_id=supervisor, active=False
            )
        )
        await s.flush()
    for table in (
        PlatformIdentityRow,
        ConversationRefRow,
        ConversationStateRow,
        PostedCardRow,
        OutboxRow,
    ):
        await s.exec(delete(table).where(col(table.person_id) == person_id))
    await erase_blobs_of(uow, person_id)
    await forget_assessment_of(uow, person_id, alias)  # 19b: as learner gone, as witness unnamed
    await forget_statements_of(uow, person_id)  # their own words: nothing for the figures
    await forget_vectors_of(uow, person_id)  # worked out from their words as written
    rekey: list[tuple[Any, str]] = [
        (ActionRow, "person_id"),
        (FeasibilityRequestRow, "requester_id"),
        (FeasibilityRequestRow, "approver_id"),
        (FeasibilityRequestRow, "decided_by"),
        (CustomerFeedbackRow, "person_id"),
        (CustomerFeedbackRow, "recorded_by"),
        (PracticeRow, "created_by"),
        (NominationRow, "suggested_by"),
        (NominationRow, "decided_by"),
        (ScheduledRunRow, "recipient"),
        (AuditLogRow, "actor_id"),
        (AuditLogRow, "subject_id"),
        (PersonRow, "supervisor_id"),
        (PersonRow, "delegate_id"),
    ]
    for table, column in rekey:
        await s.exec(
            update(table).where(getattr(table, column) == person_id).values({column: alias})
        )
    await rekey_supervisor(uow, person_id, alias)  # their team's figures stay, unnamed
    card_sent = (await s.exec(select(FeasibilityRequestRow))).all()
    for request in card_sent:
        if person_id in request.card_sent_to:
            request.card_sent_to = [alias if p == person_id else p for p in request.card_sent_to]
            s.add(request)
    await _scrub_names(uow, names)
    await s.exec(delete(PersonRow).where(col(PersonRow.id) == person_id))
    return alias


async def _scrub_names(uow: UnitOfWork, names: list[str]) -> None:
    if not names:
        return
    pattern = re.compile(
        r"\b(" + "|".join(re.escape(n) for n in names if n) + r")\b", re.IGNORECASE
    )
    text_columns: list[tuple[Any, tuple[str, ...]]] = [
        (ActionRow, ("customer_need", "extra", "result", "follow_up_note")),
        (CustomerFeedbackRow, ("words",)),
        (FeasibilityRequestRow, ("explanation", "question", "answer", "decision_reason")),
        (PracticeRow, ("title",)),
        (NominationRow, ("suggestion", "reason")),
    ]
    for table, columns in text_columns:
        for row in (await uow.session.exec(select(table))).all():
            changed = False
            for column in columns:
                value = getattr(row, column)
                if isinstance(value, str) and pattern.search(value):
                    setattr(row, column, pattern.sub("[name]", value))
                    changed = True
            if changed:
                uow.session.add(row)
    for row in (await uow.session.exec(select(AuditLogRow))).all():
        if pattern.search(str(row.detail)):
            row.detail = {}
            uow.session.add(row)
    # Messages to others about them (a request card, praise) keep their shape, not the name.
    for outbox in (await uow.session.exec(select(OutboxRow))).all():
        dumped = json.dumps(outbox.payload, ensure_ascii=False)
        if pattern.search(dumped):
            outbox.payload = json.loads(pattern.sub("[name]", dumped))
            uow.session.add(outbox)


async def erased_people(uow: UnitOfWork) -> dict[str, str | None]:
    """Pseudonyms of erased people and the supervisor they had (figures still count them)."""
    # A range of the key, not LIKE (which SQLite cannot serve from the index): "erased-"
    # up to "erased." ("." follows "-").
    rows = (
        await uow.session.exec(
            select(PersonRow).where(col(PersonRow.id) >= "erased-", col(PersonRow.id) < "erased.")
        )
    ).all()
    return {row.id: row.supervisor_id for row in rows}


async def audit_since(uow: UnitOfWork, since: datetime) -> list[AuditEntry]:
    rows = (
        await uow.session.exec(
            select(AuditLogRow)
            .where(col(AuditLogRow.at) >= since)
            .order_by(col(AuditLogRow.at), col(AuditLogRow.id))
        )
    ).all()
    return [
        AuditEntry(r.at, r.actor_id, r.action, r.subject_type, r.subject_id, dict(r.detail))
        for r in rows
    ]
