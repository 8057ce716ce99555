"""A deed or an idea while it is being written, and the fields that ask for it.

A draft keeps exactly what the person typed, so a rejected field never loses
anything; `bot.features.log.rules` turns it into a `CheckedAction` or a map of
friendly errors.

A done deed is one screen of four inputs (what you did, what the customer needed, how
it went, when); the details the standard's evidence needs (the situation, procedure or
own initiative, whether the customer knew, the offer item) are one tap each after
saving, or part of the form for a learner, whose portfolio needs them. An idea asks
what feasibility needs: the cost, the time, an explanation, and one group of ticks.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from bot.domain.actions import NOT_COVERED, ActionStatus, Approach, Context
from bot.domain.feasibility import money
from bot.domain.org import Organisation
from bot.domain.statements import IDEA_QUESTION
from bot.domain.text import clean
from bot.messages import Choice, FieldKind, FormField

MAX_TEXT = 1500
MAX_EXPLANATION = 1000


class ActionDraft(BaseModel):
    """Every field as typed; empty means not given yet."""

    model_config = ConfigDict(extra="ignore")

    status: str = ActionStatus.DONE
    occurred_on: str = ""
    customer_need: str = ""
    extra: str = ""
    result: str = ""
    # The details (one tap each after saving; in the form for a learner).
    context: str = ""
    approach: str = ""
    customer_aware: str = ""
    offer_item: str = ""
    # A learner's own words (issue 19), stored as evidence statements, never on the action.
    expectation: str = ""
    offer_in_own_words: str = ""
    # The feasibility check, for an idea (P6-P9).
    cost: str = ""
    minutes: str = ""
    checked: str = ""  # the ticked CHECKS' values, comma-separated
    explanation: str = ""

    @property
    def is_idea(self) -> bool:
        return self.status == ActionStatus.PROPOSED

    def merged(self, values: dict[str, str]) -> ActionDraft:
        known = {k: clean(v) for k, v in values.items() if k in type(self).model_fields}
        known.pop("status", None)  # set by which form it is, never by what was sent
        return self.model_copy(update=known)


YES_NO = (Choice("yes", "Yes"), Choice("no", "No"))
CONTEXT_CHOICES = tuple(Choice(c.value, c.label) for c in Context.given())
APPROACH_CHOICES = tuple(Choice(a.value, a.label) for a in Approach.given())
# The idea's check (P6-P8): each box ticked is a check made; one left unticked is a doubt.
CHECKS = (
    Choice("authority", "It's within my own authority"),
    Choice("guidelines", "It's within our guidelines"),
    Choice("regulations", "It's within the regulations"),
    Choice("others", "It won't affect the service to other customers"),
)
DEED_FIELDS = ("extra", "customer_need", "result", "occurred_on")
DETAIL_FIELDS = ("context", "approach", "customer_aware", "offer_item")


def offer_choices(org: Organisation) -> tuple[Choice, ...]:
    items = tuple(Choice(i.id, i.title) for i in org.service_offer)
    return (*items, Choice(NOT_COVERED, "Not covered by our routine offer"))


def deed_fields(org: Organisation, draft: ActionDraft, *, learner: bool) -> tuple[FormField, ...]:
    """A done deed: four inputs; for a learner, the details as one-tap choices and two
    optional questions in their own words."""
    fields = (
        FormField(
            "extra",
            "What did you do?",
            FieldKind.LONG_TEXT,
            value=draft.extra,
            max_length=MAX_TEXT,
            hint="What went beyond our routine offer",
        ),
        FormField(
            "customer_need",
            "What did the customer need?",
            FieldKind.LONG_TEXT,
            value=draft.customer_need,
            max_length=MAX_TEXT,
        ),
        FormField(
            "result",
            "How did it go?",
            FieldKind.LONG_TEXT,
            required=False,
            value=draft.result,
            max_length=MAX_TEXT,
            hint="What happened, what the customer said",
        ),
        FormField(
            "occurred_on",
            "When?",
            FieldKind.DATE,
            required=False,
            value=draft.occurred_on,
            hint="Today if you leave it",
        ),
    )
    return (*fields, *detail_fields(org, draft), *words_fields(draft)) if learner else fields


def words_fields(draft: ActionDraft) -> tuple[FormField, ...]:
    """A learner's own words (P2 and K2; P1 and K1), each optional."""
    return (
        FormField(
            "expectation",
            "What did the customer expect, and why?",
            FieldKind.LONG_TEXT,
            required=False,
            value=draft.expectation,
            max_length=MAX_TEXT,
            hint="A sentence or two, for your portfolio",
        ),
        FormField(
            "offer_in_own_words",
            "What does our routine offer give them? In your words",
            FieldKind.LONG_TEXT,
            required=False,
            value=draft.offer_in_own_words,
            max_length=MAX_TEXT,
            hint="A sentence or two, for your portfolio",
        ),
    )


def detail_fields(org: Organisation, draft: ActionDraft) -> tuple[FormField, ...]:
    """The evidence's details (P1/P3, P10-P11 and CU801's situations), as choices."""
    return (
        FormField(
            "context",
            "What was the situation?",
            FieldKind.CHOICE,
            value=draft.context,
            options=CONTEXT_CHOICES,
        ),
        FormField(
            "approach",
            "Was it a procedure or your own initiative?",
            FieldKind.CHOICE,
            value=draft.approach,
            options=APPROACH_CHOICES,
        ),
        FormField(
            "customer_aware",
            "Did the customer know it was something extra?",
            FieldKind.CHOICE,
            value=draft.customer_aware,
            options=YES_NO,
        ),
        FormField(
            "offer_item",
            "Which part of our routine offer does it go beyond?",
            FieldKind.CHOICE,
            value=draft.offer_item,
            options=offer_choices(org),
        ),
    )


def idea_fields(org: Organisation, draft: ActionDraft) -> tuple[FormField, ...]:
    """An idea: what feasibility needs, with the organisation's rules shown as text."""
    authority = org.policy.staff_authority
    rules = "\n".join(
        [
            f"You can spend up to {money(authority.max_cost, authority.currency)} and give "
            f"up to {authority.max_minutes} minutes on your own authority.",
            "Our guidelines:",
            *(f"• {g}" for g in org.policy.guidelines),
            "The regulations:",
            *(f"• {r}" for r in org.policy.regulations),
        ]
    )
    return (
        FormField(
            "extra",
            "What's your idea?",
            FieldKind.LONG_TEXT,
            value=draft.extra,
            max_length=MAX_TEXT,
        ),
        FormField(
            "customer_need",
            "What does the customer need?",
            FieldKind.LONG_TEXT,
            value=draft.customer_need,
            max_length=MAX_TEXT,
        ),
        FormField(
            "cost",
            "What would it cost?",
            FieldKind.NUMBER,
            value=draft.cost,
            hint=f"In {authority.currency}; 0 if nothing",
        ),
        FormField(
            "minutes",
            "How long would it take?",
            FieldKind.TEXT,
            value=draft.minutes,
            hint="Like 10 min or an hour",
        ),
        FormField(
            "explanation",
            IDEA_QUESTION,
            FieldKind.LONG_TEXT,
            value=draft.explanation,
            max_length=MAX_EXPLANATION,
            hint="Your supervisor reads this if it needs their OK",
        ),
        FormField("rules", "What our rules say", FieldKind.INFO, required=False, value=rules),
        FormField(
            "checked",
            "I checked (leave a box empty if you're not sure):",
            FieldKind.CHECKBOXES,
            required=False,
            value=draft.checked,
            options=CHECKS,
        ),
    )


def label_of(field: FormField, value: str) -> str:
    return next((o.label for o in field.options if o.value == value), value or "-")
