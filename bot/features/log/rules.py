"""The rules of a log-action draft: friendly errors for what was typed, and once it
passes, the checked values to store (the feasibility check, and the action itself)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from bot.domain.actions import ActionStatus, Approach, CheckedAction, Context
from bot.domain.feasibility import Answer, FeasibilityCheck, assess
from bot.domain.org import Organisation
from bot.domain.redaction import redact
from bot.domain.text import parse_day
from bot.features.log.draft import (
    AFFECTS_CHOICES,
    ANSWER_CHOICES,
    APPROACH_CHOICES,
    CONTEXT_CHOICES,
    MAX_EXPLANATION,
    MAX_TEXT,
    STATUS_CHOICES,
    ActionDraft,
    offer_choices,
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
    # Both optional, as labelled: an empty answer is no answer (issue 16).
    if draft.customer_aware not in ("yes", "no", ""):
        errors["customer_aware"] = "Say yes or no: did the customer know it was extra?"
    errors.update(_text_problem("result", draft.result, "how it went", required=False))
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


_MINUTES = re.compile(r"^(\d{1,4})\s*(?:minutes?|mins?|m)?$", re.ASCII)  # not "²"
_HOURS = re.compile(r"^(an|one|\d{1,2})\s*(?:hours?|hrs?|h)$", re.ASCII)


def parse_minutes(text: str) -> int | None:
    """ "20", "20 min", "an hour", "2 hours"; None for "about an hour" (asked again)."""
    cleaned = text.strip().lower() or "0"
    if hours := _HOURS.match(cleaned):
        minutes = 60 * (1 if hours[1] in ("an", "one") else int(hours[1]))
    elif found := _MINUTES.match(cleaned):
        minutes = int(found[1])
    else:
        return None
    return minutes if minutes <= 24 * 60 else None


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
