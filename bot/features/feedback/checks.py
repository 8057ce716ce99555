"""The feedback form's checks: one validator a field, run in the form's order."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.features.feedback.form import (
    CHANNEL_CHOICES,
    MAX_WORDS,
    NO_ACTION,
    RATING_CHOICES,
    SENTIMENT_CHOICES,
    FeedbackDraft,
)


@dataclass(frozen=True)
class Allowed:
    """What the draft may name: the team's ids, and whose each recent action is."""

    team: set[str]
    actions: dict[str, str]  # action id -> the person's id


Validator = Callable[[FeedbackDraft, Allowed], str | None]


def _about(draft: FeedbackDraft, allowed: Allowed) -> str | None:
    return None if draft.about in allowed.team else "Pick yourself or someone in your team."


def _action(draft: FeedbackDraft, allowed: Allowed) -> str | None:
    if draft.action in (NO_ACTION, "") or allowed.actions.get(draft.action) == draft.about:
        return None
    return "Pick one of their recent actions, or 'None of them'."


def _channel(draft: FeedbackDraft, _: Allowed) -> str | None:
    if draft.channel in {c.value for c in CHANNEL_CHOICES}:
        return None
    return "Say how the feedback reached us."


def _sentiment(draft: FeedbackDraft, _: Allowed) -> str | None:
    if draft.sentiment in {c.value for c in SENTIMENT_CHOICES}:
        return None
    return "Say whether it was positive, mixed or negative."


def _words(draft: FeedbackDraft, _: Allowed) -> str | None:
    if not draft.words:
        return "Please add what the customer said."
    if len(draft.words) > MAX_WORDS:
        return f"That's {len(draft.words):,} characters; please keep it under {MAX_WORDS:,}."
    return None


def _rating(draft: FeedbackDraft, _: Allowed) -> str | None:
    if draft.rating and draft.rating not in {c.value for c in RATING_CHOICES}:
        return "A rating is 1 to 5 stars."
    return None


VALIDATORS: dict[str, Validator] = {
    "about": _about,
    "action": _action,
    "channel": _channel,
    "sentiment": _sentiment,
    "words": _words,
    "rating": _rating,
}


def check(draft: FeedbackDraft, team: set[str], actions: dict[str, str]) -> dict[str, str]:
    """Each field's problem, by field name; empty when the draft can be saved."""
    allowed = Allowed(team, actions)
    problems = {name: validate(draft, allowed) for name, validate in VALIDATORS.items()}
    return {name: problem for name, problem in problems.items() if problem is not None}
