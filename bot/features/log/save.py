"""Saving: a deed is stored at once and answered with its details card; an idea goes
ahead or to the supervisor (bot.features.approvals)."""

from __future__ import annotations

from bot.context import Turn
from bot.domain.redaction import redact
from bot.features.approvals import request as approvals
from bot.features.log.details import details_card
from bot.features.log.draft import ActionDraft
from bot.features.log.rules import costs, to_check, to_checked
from bot.features.log.state import current_draft
from bot.features.nominations.practices import ask_practice
from bot.features.portfolio.words import keep_idea_reasoning, keep_words
from bot.features.witness.flow import ask_after_save as ask_witnesses
from bot.messages import Outbound
from storage.action_details import details_of
from storage.actions import add_action, count_actions
from storage.conversations import clear_state
from storage.events import audit


async def save_deed(turn: Turn, draft: ActionDraft, *, from_form: bool = True) -> list[Outbound]:
    """Only call once `check_draft` passed. Saved from the form, the form's kept draft
    is done with; a one-line deed leaves a sent-back form's draft as it was."""
    checked = to_checked(draft, turn.today)
    cost, minutes = costs(draft)
    action = await add_action(turn.uow, turn.person.id, checked, cost=cost, minutes=minutes)
    await audit(
        turn.uow,
        actor_id=turn.person.id,
        action="action.logged",
        subject_type="action",
        subject_id=str(action.id),
    )
    if from_form:
        await _done_with_draft(turn, idea=False)
    await keep_words(turn, action.id, draft.model_dump())  # a learner's own words, if given
    total = await count_actions(turn.uow, turn.person.id)
    deed = details_of(action)  # as saved, in this transaction: not read back
    title = f"Saved: your {ordinal(total)} extra-mile action. Thank you!"
    card = details_card(turn, deed, title, learner=turn.person.learner)
    witnesses = await ask_witnesses(turn, action.id)  # a learner's supervisor (issue 19)
    ask_practice(turn, action.id, action.extra)  # once this is answered
    return [card, *witnesses]


async def save_idea(turn: Turn, draft: ActionDraft) -> list[Outbound]:
    """Only call once `check_draft` passed."""
    await _done_with_draft(turn, idea=True)
    explanation = redact(draft.explanation)  # stored, and quoted to the supervisor
    checked = to_checked(draft, turn.today)
    replies = await approvals.submit_idea(turn, checked, to_check(draft), explanation)
    await keep_idea_reasoning(turn, explanation)  # a learner's reasoning, for the portfolio
    return replies


async def _done_with_draft(turn: Turn, *, idea: bool) -> None:
    """The sent-back draft of the form just saved is done with; one of the other form
    (a deed kept while an idea was sent, or the other way round) stays."""
    draft = await current_draft(turn)
    if draft is not None and draft.is_idea == idea:
        await clear_state(turn.uow, turn.person.id)


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
