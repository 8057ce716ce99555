"""The follow-up form: did it affect other customers, did the customer notice, any
feedback since? Opened only by the person whose action it is, and answered once."""

from __future__ import annotations

from bot.context import Turn
from bot.domain.actions import AffectedOthers
from bot.domain.ids import parse_id
from bot.domain.records import DueAction
from bot.domain.text import shorten
from bot.features.portfolio.words import AFTER_FOLLOW_UP, word_fields
from bot.messages import Choice, FieldKind, Form, FormField, Outbound, Refusal
from bot.routes import form_about
from storage.follow_ups import get_action

FORM = "follow-up"
MAX_TEXT = 1000
AFFECTED_CHOICES = (
    Choice(AffectedOthers.NO, "No"),
    Choice(AffectedOthers.A_LITTLE, "A little"),
    Choice(AffectedOthers.YES, "Yes"),
)
NOTICED_CHOICES = (Choice("yes", "Yes"), Choice("no", "No"), Choice("unsure", "Not sure"))
LABELS = {c.value: c.label for c in (*AFFECTED_CHOICES, *NOTICED_CHOICES)}
NOT_YOURS = "That follow-up isn't yours."
ANSWERED = "You've told me how that one went already. Thank you!"


def follow_up_form(
    action_id: str,
    extra: str,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    *,
    learner: bool = False,
) -> Form:
    """The four questions; a learner is also asked, each optional, what happened, what the
    customer said and what they would do differently (in their words, for the portfolio)."""
    typed = values or {}
    words = word_fields(AFTER_FOLLOW_UP, typed) if learner else ()
    return Form(
        form_id=form_about(FORM, action_id),
        title="How did it go?",
        intro=shorten(extra, 300),
        submit_label="Send",
        errors=errors or {},
        fields=(
            FormField(
                "affected_others",
                "Did it affect the service to other customers?",
                FieldKind.CHOICE,
                value=typed.get("affected_others", ""),
                options=AFFECTED_CHOICES,
            ),
            FormField(
                "note",
                "How? (if it did)",
                FieldKind.LONG_TEXT,
                required=False,
                value=typed.get("note", ""),
                max_length=MAX_TEXT,
            ),
            FormField(
                "customer_noticed",
                "Did the customer notice the added value?",
                FieldKind.CHOICE,
                value=typed.get("customer_noticed", ""),
                options=NOTICED_CHOICES,
            ),
            FormField(
                "feedback_since",
                "Any feedback since?",
                FieldKind.LONG_TEXT,
                required=False,
                value=typed.get("feedback_since", ""),
                max_length=MAX_TEXT,
            ),
            *words,
        ),
    )


async def own_action(turn: Turn, action_id: str) -> DueAction | None:
    """The action a follow-up names, if it is this person's."""
    number = parse_id(action_id)
    action = await get_action(turn.uow, number) if number is not None else None
    return action if action is not None and action.person_id == turn.person.id else None


async def open_form(turn: Turn, action_id: str) -> list[Outbound]:
    action = await own_action(turn, action_id)
    if action is None:
        return [Refusal(NOT_YOURS)]
    if action.answered:
        return [Refusal(ANSWERED)]
    return [follow_up_form(action_id, action.extra, learner=turn.person.learner)]
