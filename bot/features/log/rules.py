"""The rules of a deed or idea draft: friendly errors for what was typed, and once it
passes, the checked values to store (the action itself, and an idea's feasibility check)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from bot.domain.actions import UNSAID_OFFER, ActionStatus, Approach, CheckedAction, Context
from bot.domain.feasibility import Answer, FeasibilityCheck
from bot.domain.org import Organisation
from bot.domain.quantities import parse_minutes, parse_money
from bot.domain.redaction import redact
from bot.domain.text import parse_day
from bot.features.log.draft import (
    APPROACH_CHOICES,
    CHECKS,
    CONTEXT_CHOICES,
    DETAIL_FIELDS,
    MAX_EXPLANATION,
    MAX_TEXT,
    YES_NO,
    ActionDraft,
    offer_choices,
)

__all__ = ["check_draft", "parse_minutes", "parse_money", "to_check", "to_checked"]


def check_draft(
    org: Organisation,
    draft: ActionDraft,
    today: date,
    *,
    learner: bool = False,
    one_line: bool = False,
) -> dict[str, str]:
    """Friendly messages keyed by field name; empty when the draft can be saved. A
    learner's deed needs its details too: their portfolio rests on them. A one-line deed
    is saved without the customer's need, which is one tap away afterwards."""
    errors: dict[str, str] = {}
    when = parse_day(draft.occurred_on or "today", today)
    if when is None:
        errors["occurred_on"] = "I couldn't read that date. Try today, yesterday or 20/11/2026."
    elif when > today:
        errors["occurred_on"] = "That date is in the future. Log it once it has happened."
    what = "your idea" if draft.is_idea else "what you did"
    errors.update(_text_problem("extra", draft.extra, what, required=True))
    errors.update(
        _text_problem(
            "customer_need", draft.customer_need, "the customer's need", required=not one_line
        )
    )
    errors.update(_text_problem("result", draft.result, "how it went", required=False))
    errors.update(_text_problem("expectation", draft.expectation, "that", required=False))
    errors.update(
        _text_problem("offer_in_own_words", draft.offer_in_own_words, "that", required=False)
    )
    details_needed = learner and not (draft.is_idea or one_line)
    errors.update(_detail_problems(org, draft, required=details_needed))
    if draft.is_idea:
        errors.update(_idea_problems(draft))
    return errors


def _detail_problems(org: Organisation, draft: ActionDraft, *, required: bool) -> dict[str, str]:
    asks = {
        "context": (CONTEXT_CHOICES, "Pick the situation it happened in."),
        "approach": (APPROACH_CHOICES, "Pick procedure or own initiative."),
        "customer_aware": (YES_NO, "Say yes or no: did the customer know it was extra?"),
        "offer_item": (offer_choices(org), "Pick the part of our offer, or 'Not covered'."),
    }
    errors: dict[str, str] = {}
    for name in DETAIL_FIELDS:
        choices, ask = asks[name]
        value = getattr(draft, name)
        if (value or required) and value not in {c.value for c in choices}:
            errors[name] = ask
    return errors


def _idea_problems(draft: ActionDraft) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not draft.cost or parse_money(draft.cost) is None:
        errors["cost"] = "Give the cost as a number, like 4.50 (0 if it costs nothing)."
    if not draft.minutes or parse_minutes(draft.minutes) is None:
        errors["minutes"] = "Give the time in minutes or hours, like 10 min or an hour."
    if unknown := set(ticked(draft)) - {c.value for c in CHECKS}:
        errors["checked"] = f"I don't know the box {sorted(unknown)[0]!r}; tick the ones shown."
    errors.update(
        _text_problem("explanation", draft.explanation, "why it would help", required=True)
    )
    return errors


def ticked(draft: ActionDraft) -> list[str]:
    return [value for value in draft.checked.split(",") if value]


def _text_problem(name: str, value: str, what: str, *, required: bool) -> dict[str, str]:
    limit = MAX_EXPLANATION if name == "explanation" else MAX_TEXT
    if required and not value:
        return {name: f"Please tell me {what}."}
    if len(value) > limit:
        return {name: f"That's {len(value):,} characters; please keep {what} under {limit:,}."}
    return {}


def to_check(draft: ActionDraft) -> FeasibilityCheck:
    """Only call once the idea passed `check_draft`. An unticked box is a doubt."""
    cost, minutes = parse_money(draft.cost), parse_minutes(draft.minutes)
    assert cost is not None and minutes is not None
    boxes = set(ticked(draft))

    def made(check: str) -> Answer:
        return Answer.YES if check in boxes else Answer.UNSURE

    return FeasibilityCheck(
        cost=cost,
        minutes=minutes,
        within_authority=made("authority"),
        within_guidelines=made("guidelines"),
        within_regulations=made("regulations"),
        affects_others=Answer.NO if "others" in boxes else Answer.UNSURE,
    )


def to_checked(draft: ActionDraft, today: date) -> CheckedAction:
    """Only call after `check_draft` returned no errors. The free text is redacted here,
    on its way to being stored: no customer's phone number or address is kept."""
    when = parse_day(draft.occurred_on or "today", today)
    assert when is not None
    return CheckedAction(
        occurred_on=when,
        customer_need=redact(draft.customer_need),
        offer_item_id=draft.offer_item or UNSAID_OFFER,
        extra=redact(draft.extra),
        status=ActionStatus(draft.status),
        context=Context(draft.context),
        approach=Approach(draft.approach),
        customer_aware={"yes": True, "no": False}.get(draft.customer_aware),
        result=redact(draft.result),
    )


def costs(draft: ActionDraft) -> tuple[Decimal | None, int | None]:
    """A deed's cost and time, where the one-line path found them."""
    return parse_money(draft.cost) if draft.cost else None, (
        parse_minutes(draft.minutes) if draft.minutes else None
    )
