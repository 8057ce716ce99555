"""The "log an action" record while it is being written, and the fields that ask for it.

A draft keeps exactly what the person typed, so a rejected field never loses
anything; `bot.features.log.rules.check_draft` turns it into a `CheckedAction` or a map
of friendly errors.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from bot.domain.actions import NOT_COVERED, ActionStatus, Approach, Context
from bot.domain.feasibility import Answer, money
from bot.domain.org import Organisation
from bot.domain.text import clean
from bot.messages import Choice, FieldKind, FormField

MAX_TEXT = 1500


class ActionDraft(BaseModel):
    """Every field as typed; empty means not given yet."""

    model_config = ConfigDict(extra="ignore")

    occurred_on: str = ""
    customer_need: str = ""
    offer_item: str = ""
    extra: str = ""
    status: str = ""
    context: str = ""
    approach: str = ""
    customer_aware: str = ""
    result: str = ""
    # The feasibility check, for an idea (P6-P9).
    cost: str = ""
    minutes: str = ""
    within_authority: str = ""
    within_guidelines: str = ""
    within_regulations: str = ""
    affects_others: str = ""
    explanation: str = ""

    @property
    def is_idea(self) -> bool:
        return self.status == ActionStatus.PROPOSED

    def merged(self, values: dict[str, str]) -> ActionDraft:
        known = {k: clean(v) for k, v in values.items() if k in type(self).model_fields}
        return self.model_copy(update=known)


YES_NO = (Choice("yes", "Yes"), Choice("no", "No"))
STATUS_CHOICES = (
    Choice(ActionStatus.DONE, "I did it"),
    Choice(ActionStatus.PROPOSED, "It's an idea I propose"),
)
CONTEXT_CHOICES = tuple(Choice(c.value, c.label) for c in Context)
APPROACH_CHOICES = tuple(Choice(a.value, a.label) for a in Approach)
ANSWER_CHOICES = tuple(Choice(a.value, a.label) for a in Answer)
AFFECTS_CHOICES = (
    Choice(Answer.NO, "No"),
    Choice(Answer.YES, "Yes, it would"),
    Choice(Answer.UNSURE, "Not sure"),
)
MAIN_FIELDS = (
    "occurred_on",
    "customer_need",
    "offer_item",
    "extra",
    "status",
    "context",
    "approach",
    "customer_aware",
    "result",
)
CHECK_FIELDS = (
    "cost",
    "minutes",
    "within_authority",
    "within_guidelines",
    "within_regulations",
    "affects_others",
)
MAX_EXPLANATION = 1000


def offer_choices(org: Organisation) -> tuple[Choice, ...]:
    items = tuple(Choice(i.id, i.title) for i in org.service_offer)
    return (*items, Choice(NOT_COVERED, "Not covered by our routine offer"))


def draft_fields(org: Organisation, draft: ActionDraft) -> tuple[FormField, ...]:
    """The form, in the order the standard walks through it (P2, P1/P3, P4-P5, P10-P11)."""
    return (
        FormField(
            "occurred_on",
            "When was it?",
            FieldKind.DATE,
            required=False,
            value=draft.occurred_on,
            hint="today, yesterday, a weekday or 20/11/2026",
        ),
        FormField(
            "customer_need",
            "What did the customer need or expect?",
            FieldKind.LONG_TEXT,
            value=draft.customer_need,
            max_length=MAX_TEXT,
            hint="Their need and what they expected from us",
        ),
        FormField(
            "offer_item",
            "What does our routine service offer give them?",
            FieldKind.CHOICE,
            value=draft.offer_item,
            options=offer_choices(org),
        ),
        FormField(
            "extra",
            "What extra did you do, or propose?",
            FieldKind.LONG_TEXT,
            value=draft.extra,
            max_length=MAX_TEXT,
            hint="What went beyond the routine offer",
        ),
        FormField(
            "status",
            "Done, or an idea?",
            FieldKind.CHOICE,
            value=draft.status,
            options=STATUS_CHOICES,
        ),
        FormField(
            "context",
            "What was the situation?",
            FieldKind.CHOICE,
            value=draft.context,
            options=CONTEXT_CHOICES,
        ),
        FormField(
            "approach",
            "Procedure or your own initiative?",
            FieldKind.CHOICE,
            value=draft.approach,
            options=APPROACH_CHOICES,
        ),
        FormField(
            "customer_aware",
            "Did the customer know it was something extra?",
            FieldKind.CHOICE,
            required=False,
            value=draft.customer_aware,
            options=YES_NO,
            hint="Not needed for an idea",
        ),
        FormField(
            "result",
            "How did it go?",
            FieldKind.LONG_TEXT,
            required=False,
            value=draft.result,
            max_length=MAX_TEXT,
            hint="What happened, what the customer said. Not needed for an idea",
        ),
    )


def check_fields(org: Organisation, draft: ActionDraft) -> tuple[FormField, ...]:
    """The feasibility check (P6-P8), and the explanation for a supervisor (P9)."""
    authority = org.policy.staff_authority
    limit = money(authority.max_cost, authority.currency)
    answer = {"kind": FieldKind.CHOICE, "options": ANSWER_CHOICES}
    return (
        FormField(
            "cost",
            "Idea: what would it cost?",
            FieldKind.NUMBER,
            required=False,
            value=draft.cost,
            hint=f"In {authority.currency}, 0 if nothing. Staff can spend up to {limit}",
        ),
        FormField(
            "minutes",
            "Idea: how many minutes would it take?",
            FieldKind.NUMBER,
            required=False,
            value=draft.minutes,
            hint=f"Staff can give up to {authority.max_minutes} minutes",
        ),
        FormField(
            "within_authority",
            "Idea: is it within your own authority?",
            value=draft.within_authority,
            **answer,  # type: ignore[arg-type]
        ),
        FormField(
            "within_guidelines",
            "Idea: is it within our guidelines?",
            value=draft.within_guidelines,
            hint="; ".join(org.policy.guidelines),
            **answer,  # type: ignore[arg-type]
        ),
        FormField(
            "within_regulations",
            "Idea: is it within the regulations?",
            value=draft.within_regulations,
            hint="; ".join(org.policy.regulations),
            **answer,  # type: ignore[arg-type]
        ),
        FormField(
            "affects_others",
            "Idea: would it affect the service to other customers?",
            FieldKind.CHOICE,
            value=draft.affects_others,
            options=AFFECTS_CHOICES,
        ),
        FormField(
            "explanation",
            "Idea: explain it for your supervisor",
            FieldKind.LONG_TEXT,
            required=False,
            value=draft.explanation,
            max_length=MAX_EXPLANATION,
            hint="Only if it goes beyond your authority: how it would impress the customer",
        ),
    )


def draft_field(org: Organisation, draft: ActionDraft, name: str) -> FormField:
    """The field `name`, of the form or of the feasibility check."""
    fields = (*draft_fields(org, draft), *check_fields(org, draft))
    return next(f for f in fields if f.name == name)
