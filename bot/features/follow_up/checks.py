"""The follow-up form's checks: one validator a field, run in the form's order."""

from __future__ import annotations

from collections.abc import Callable

from bot.domain.actions import AffectedOthers
from bot.features.follow_up.form import AFFECTED_CHOICES, MAX_TEXT, NOTICED_CHOICES

Validator = Callable[[dict[str, str]], str | None]
FELT = (AffectedOthers.A_LITTLE, AffectedOthers.YES)
TOO_LONG = "Please keep it under 1,000 characters."


def _affected_others(typed: dict[str, str]) -> str | None:
    if typed.get("affected_others") in {c.value for c in AFFECTED_CHOICES}:
        return None
    return "Say no, a little, or yes."


def _customer_noticed(typed: dict[str, str]) -> str | None:
    if typed.get("customer_noticed") in {c.value for c in NOTICED_CHOICES}:
        return None
    return "Say yes, no or not sure."


def _note(typed: dict[str, str]) -> str | None:
    if len(typed.get("note", "")) > MAX_TEXT:
        return TOO_LONG
    if typed.get("affected_others") in FELT and not typed.get("note"):
        return "Say briefly how other customers were affected."
    return None


def _feedback_since(typed: dict[str, str]) -> str | None:
    return TOO_LONG if len(typed.get("feedback_since", "")) > MAX_TEXT else None


VALIDATORS: dict[str, Validator] = {
    "affected_others": _affected_others,
    "customer_noticed": _customer_noticed,
    "note": _note,
    "feedback_since": _feedback_since,
}


def check(typed: dict[str, str]) -> dict[str, str]:
    """Each field's problem, by field name; empty when the answer can be recorded."""
    problems = {name: validate(typed) for name, validate in VALIDATORS.items()}
    return {name: problem for name, problem in problems.items() if problem is not None}
