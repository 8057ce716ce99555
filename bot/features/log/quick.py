"""The quick path, `log <line>`: one question at a time until the draft is complete; and
showing again whatever the person was last asked, when they come back."""

from __future__ import annotations

import re

from bot.context import Turn
from bot.domain.records import ConversationState
from bot.domain.text import parse_day
from bot.features.log.draft import CHECK_FIELDS, ActionDraft, draft_field
from bot.features.log.form import action_form, check_form
from bot.features.log.review import review_card
from bot.features.log.rules import check_draft
from bot.features.log.state import LogButton, keep, skipped_of
from bot.messages import Button, Card, FieldKind, FormField, Outbound, Refusal, Text
from storage.conversations import load_state

COMMON_QUESTIONS = ("customer_need", "offer_item", "status", "context", "approach")
DONE_QUESTIONS = ("customer_aware", "result")
_DATE_PREFIX = re.compile(r"^\s*([\w/.-]+)\s*[:,]\s*(.+)$", re.DOTALL)


async def start_quick(turn: Turn, line: str) -> list[Outbound]:
    occurred_on, extra = "today", line
    prefix = _DATE_PREFIX.match(line)
    if prefix and parse_day(prefix[1], turn.today) is not None:
        occurred_on, extra = prefix[1], prefix[2]
    draft = ActionDraft(occurred_on=occurred_on).merged({"extra": extra})
    errors = check_draft(turn.org, draft, turn.today)
    for name in ("extra", "occurred_on"):
        if name in errors:
            return [Text(errors[name])]
    return await _next_question(
        turn, draft, intro="Got it. A few questions so it counts as evidence."
    )


def _questions(turn: Turn, draft: ActionDraft) -> list[str]:
    """What the quick path asks, in order: an idea gets the feasibility check instead of
    the result, and an explanation for the supervisor only if it needs their OK."""
    if not draft.is_idea:
        return [*COMMON_QUESTIONS, *DONE_QUESTIONS]
    questions = [*COMMON_QUESTIONS, *CHECK_FIELDS]
    if "explanation" in check_draft(turn.org, draft, turn.today) or draft.explanation:
        questions.append("explanation")
    return questions


def _missing(turn: Turn, draft: ActionDraft, skipped: tuple[str, ...]) -> list[str]:
    questions = _questions(turn, draft)
    return [name for name in questions if not getattr(draft, name) and name not in skipped]


def _optional(turn: Turn, draft: ActionDraft, name: str) -> bool:
    """Whether no answer is an answer: the rules accept the field empty. Not the cost and
    time, where empty would quietly mean 0: the quick path asks for a number."""
    if name in ("cost", "minutes"):
        return False
    return name not in check_draft(turn.org, draft.merged({name: ""}), turn.today)


async def _next_question(
    turn: Turn, draft: ActionDraft, intro: str = "", skipped: tuple[str, ...] = ()
) -> list[Outbound]:
    missing = _missing(turn, draft, skipped)
    if not missing:
        await keep(turn, "review", draft)
        return [review_card(turn, draft)]
    await keep(turn, f"ask:{missing[0]}", draft, skipped)
    question = _question(turn, draft, missing[0])
    return [Text(intro), question] if intro else [question]


def _question(turn: Turn, draft: ActionDraft, name: str) -> Outbound:
    field = draft_field(turn.org, draft, name)
    questions = _questions(turn, draft)
    step = f"({questions.index(name) + 1} of {len(questions)})" if name in questions else ""
    if _optional(turn, draft, name):
        step = f"(optional) {step}".rstrip()
    if field.kind is FieldKind.CHOICE:
        return Card(
            title=f"{field.label} {step}",
            # The field name travels with the click, so a stale card cannot answer
            # a different question.
            buttons=tuple(
                Button(o.label, LogButton.ANSWER, f"{name}={o.value}") for o in field.options
            ),
        )
    hint = f"\n({field.hint})" if field.hint else ""
    return Text(f"{field.label} {step}{hint}")


def asking(state: ConversationState) -> bool:
    """Whether the quick path waits for an answer to a question it asked."""
    return state.step.startswith("ask:")


async def answer_clicked(turn: Turn, value: str) -> list[Outbound]:
    """A clicked choice; refused once no question waits (a card from an earlier run)."""
    state = await load_state(turn.uow, turn.person.id)
    if state is None or not asking(state):
        return [Refusal("That question has already been answered.")]
    return await answer_click(turn, state, value)


async def answer_click(turn: Turn, state: ConversationState, value: str) -> list[Outbound]:
    name, _, choice = value.partition("=")
    if state.step != f"ask:{name}":
        return [Text("That question has already been answered."), *await resume(turn, state)]
    return await answer(turn, state, choice)


async def answer(turn: Turn, state: ConversationState, reply: str) -> list[Outbound]:
    """A typed answer, or a clicked choice, to the question the quick path asked."""
    draft = ActionDraft.model_validate(state.data)
    name = state.step.removeprefix("ask:")
    field = draft_field(turn.org, draft, name)
    skipped = skipped_of(state)
    if reply.strip(" .!").lower() in ("skip", "") and _optional(turn, draft, name):
        return await _next_question(turn, draft, skipped=(*skipped, name))
    if reply.strip(" .!").lower() == "skip":
        return [Text("This one can't be skipped: I need it."), _question(turn, draft, name)]
    value = _choice_value(field, reply) if field.kind is FieldKind.CHOICE else reply
    if value is None:
        labels = ", ".join(f"{i}. {o.label}" for i, o in enumerate(field.options, 1))
        return [Text(f"Please pick one of: {labels}"), _question(turn, draft, name)]
    updated = draft.merged({name: value})
    error = check_draft(turn.org, updated, turn.today).get(name)
    if error:
        return [Text(error), _question(turn, draft, name)]
    return await _next_question(turn, updated, skipped=skipped)


def _choice_value(field: FormField, reply: str) -> str | None:
    text = reply.strip().lower()
    options = field.options
    if text.isdecimal() and len(text) <= 3 and 1 <= int(text) <= len(options):
        return options[int(text) - 1].value
    for option in options:
        if text in (option.value.lower(), option.label.lower()):
            return option.value
    starts = [o for o in options if text and o.label.lower().startswith(text)]
    return starts[0].value if len(starts) == 1 else None


async def resume(turn: Turn, state: ConversationState) -> list[Outbound]:
    """Show again whatever the person was last asked."""
    draft = ActionDraft.model_validate(state.data)
    if state.step == "review":
        return [review_card(turn, draft)]
    if state.step == "form":
        return [action_form(turn, draft, {})]
    if state.step == "check":
        return [check_form(turn, draft, {})]
    return [_question(turn, draft, state.step.removeprefix("ask:"))]
