"""The "log an action" record while it is being written: raw text in, checked values out.

A draft keeps exactly what the person typed, so a rejected field never loses
anything; `check_draft` turns it into a `CheckedAction` or a map of friendly errors.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict

from bot.domain import NOT_COVERED, ActionStatus, Approach, CheckedAction, Context
from bot.messages import Choice, FieldKind, FormField
from bot.org import Organisation
from bot.text import clean, parse_day

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


def check_draft(org: Organisation, draft: ActionDraft, today: date) -> dict[str, str]:
    """Friendly messages keyed by field name; empty when the draft can be saved."""
    errors: dict[str, str] = {}
    when = parse_day(draft.occurred_on, today)
    if when is None:
        errors["occurred_on"] = "I couldn't read that date. Try today, yesterday or 20/11/2026."
    elif when > today:
        errors["occurred_on"] = "That date is in the future. Log it once it has happened."
    for name, what in (
        ("customer_need", "the customer's need"),
        ("extra", "what extra you did or propose"),
    ):
        errors.update(_text_problem(name, getattr(draft, name), what, required=True))
    if draft.offer_item not in {c.value for c in offer_choices(org)}:
        errors["offer_item"] = "Pick the part of our offer it relates to, or 'Not covered'."
    for name, choices, ask in (
        ("status", STATUS_CHOICES, "Say whether you did it or it's an idea."),
        ("context", CONTEXT_CHOICES, "Pick the situation it happened in."),
        ("approach", APPROACH_CHOICES, "Pick procedure or own initiative."),
    ):
        if getattr(draft, name) not in {c.value for c in choices}:
            errors[name] = ask
    done = draft.status == ActionStatus.DONE
    if draft.customer_aware not in ("yes", "no") and (done or draft.customer_aware):
        errors["customer_aware"] = "Say yes or no: did the customer know it was extra?"
    errors.update(_text_problem("result", draft.result, "how it went", required=done))
    return errors


def _text_problem(name: str, value: str, what: str, *, required: bool) -> dict[str, str]:
    if required and not value:
        return {name: f"Please tell me {what}."}
    if len(value) > MAX_TEXT:
        return {name: f"That's {len(value):,} characters; please keep {what} under {MAX_TEXT:,}."}
    return {}


def to_checked(draft: ActionDraft, today: date) -> CheckedAction:
    """Only call after `check_draft` returned no errors."""
    when = parse_day(draft.occurred_on, today)
    assert when is not None
    status = ActionStatus(draft.status)
    aware = {"yes": True, "no": False}.get(draft.customer_aware)
    return CheckedAction(
        occurred_on=when,
        customer_need=draft.customer_need,
        offer_item_id=draft.offer_item,
        extra=draft.extra,
        status=status,
        context=Context(draft.context),
        approach=Approach(draft.approach),
        customer_aware=aware,
        result=draft.result,
    )
