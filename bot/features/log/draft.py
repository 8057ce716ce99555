"""The "log an action" record while it is being written: raw text in, checked values out.

A draft keeps exactly what the person typed, so a rejected field never loses
anything; `check_draft` turns it into a `CheckedAction` or a map of friendly errors.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from pydantic import BaseModel, ConfigDict

from bot.domain.actions import NOT_COVERED, ActionStatus, Approach, CheckedAction, Context
from bot.domain.feasibility import Answer, FeasibilityCheck, assess, money
from bot.domain.org import Organisation
from bot.domain.redaction import redact
from bot.domain.text import clean, parse_day
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
    answer = {"kind": FieldKind.CHOICE, "required": False, "options": ANSWER_CHOICES}
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
            required=False,
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
    if draft.is_idea:
        errors.update(_check_problems(org, draft))
    return errors


def _check_problems(org: Organisation, draft: ActionDraft) -> dict[str, str]:
    errors: dict[str, str] = {}
    if parse_money(draft.cost) is None:
        errors["cost"] = "Give the cost as a number, like 4.50 (0 if it costs nothing)."
    if parse_minutes(draft.minutes) is None:
        errors["minutes"] = "Give the time as a whole number of minutes, like 10."
    for name, choices in (
        ("within_authority", ANSWER_CHOICES),
        ("within_guidelines", ANSWER_CHOICES),
        ("within_regulations", ANSWER_CHOICES),
        ("affects_others", AFFECTS_CHOICES),
    ):
        if getattr(draft, name) not in {c.value for c in choices}:
            errors[name] = "Answer yes, no or not sure."
    if errors:
        return errors
    verdict = assess(to_check(draft), org.policy.staff_authority)
    if not verdict.go_ahead and not draft.explanation:
        errors["explanation"] = (
            "This needs your supervisor's OK, because "
            + "; ".join(verdict.reasons)
            + ". Explain the idea for them."
        )
    errors.update(
        _text_problem("explanation", draft.explanation, "the explanation", required=False)
    )
    return errors


def parse_money(text: str) -> Decimal | None:
    cleaned = text.strip().lstrip("£€$").replace(",", "") or "0"
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        return None
    if not amount.is_finite() or amount < 0 or amount > 1_000_000:
        return None
    return amount.quantize(Decimal("0.01"))


def parse_minutes(text: str) -> int | None:
    cleaned = text.strip().lower().removesuffix("minutes").removesuffix("mins").strip() or "0"
    if not cleaned.isdecimal() or len(cleaned) > 4:  # not "²", not 5,000 digits
        return None
    return int(cleaned) if int(cleaned) <= 24 * 60 else None


def to_check(draft: ActionDraft) -> FeasibilityCheck:
    """Only call once the check's fields passed `check_draft`."""
    cost, minutes = parse_money(draft.cost), parse_minutes(draft.minutes)
    assert cost is not None and minutes is not None
    return FeasibilityCheck(
        cost=cost,
        minutes=minutes,
        within_authority=Answer(draft.within_authority),
        within_guidelines=Answer(draft.within_guidelines),
        within_regulations=Answer(draft.within_regulations),
        affects_others=Answer(draft.affects_others),
    )


def _text_problem(name: str, value: str, what: str, *, required: bool) -> dict[str, str]:
    limit = MAX_EXPLANATION if name == "explanation" else MAX_TEXT
    if required and not value:
        return {name: f"Please tell me {what}."}
    if len(value) > limit:
        return {name: f"That's {len(value):,} characters; please keep {what} under {limit:,}."}
    return {}


def to_checked(draft: ActionDraft, today: date) -> CheckedAction:
    """Only call after `check_draft` returned no errors. The free text is redacted here,
    on its way to being stored: no customer's phone number or address is kept."""
    when = parse_day(draft.occurred_on, today)
    assert when is not None
    status = ActionStatus(draft.status)
    aware = {"yes": True, "no": False}.get(draft.customer_aware)
    return CheckedAction(
        occurred_on=when,
        customer_need=redact(draft.customer_need),
        offer_item_id=draft.offer_item,
        extra=redact(draft.extra),
        status=status,
        context=Context(draft.context),
        approach=Approach(draft.approach),
        customer_aware=aware,
        result=redact(draft.result),
    )
