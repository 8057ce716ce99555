"""Cancelling a draft (a form sent back with errors, kept so nothing typed is lost): at
once when nothing was typed yet, else only after a Yes, so a stray `cancel` never throws
answers away. While the question waits, the draft's own step is kept after "cancel?",
and "Keep going" (or any other reply) opens the form again."""

from __future__ import annotations

from bot.context import Turn
from bot.domain.records import ConversationState
from bot.features.log.draft import ActionDraft
from bot.features.log.form import deed_form, idea_form
from bot.features.log.state import FLOW, LogButton
from bot.messages import Button, ButtonStyle, Card, Outbound, Text
from storage.conversations import clear_state, load_state, save_state

CONFIRM = "cancel?"
CANCELLED = "Cancelled. Nothing was saved."
_NOT_ANSWERS = ("status", "occurred_on")  # set for you, not typed


def answers(draft: ActionDraft) -> int:
    return sum(
        1 for name in type(draft).model_fields if name not in _NOT_ANSWERS and getattr(draft, name)
    )


async def cancel(turn: Turn) -> list[Outbound]:
    state = await load_state(turn.uow, turn.person.id)
    if state is None or state.flow != FLOW:
        return [Text("Nothing to cancel.")]
    count = answers(ActionDraft.model_validate(state.data))
    if count == 0:
        await clear_state(turn.uow, turn.person.id)
        return [Text(CANCELLED)]
    step = state.step if state.step.startswith(CONFIRM) else CONFIRM + state.step
    await save_state(turn.uow, turn.person.id, ConversationState(FLOW, step, state.data))
    return [_confirm_card(count)]


def _confirm_card(count: int) -> Card:
    lost = f"Your {count} answer{'s' if count != 1 else ''} will be lost."
    return Card(
        title=f"Cancel this action? {lost}",
        buttons=(
            Button("Yes", LogButton.CANCEL_YES, style=ButtonStyle.DANGER),
            Button("Keep going", LogButton.KEEP_GOING),
        ),
    )


async def confirmed(turn: Turn) -> list[Outbound]:
    """Yes to "Cancel this action?": only while that question waits (a Yes on an old
    card must not throw away a draft kept since)."""
    state = await load_state(turn.uow, turn.person.id)
    if state is None or state.flow != FLOW or not state.step.startswith(CONFIRM):
        return [Text("Nothing to cancel.")]
    await clear_state(turn.uow, turn.person.id)
    return [Text(CANCELLED)]


async def keep_going(turn: Turn) -> list[Outbound]:
    state = await load_state(turn.uow, turn.person.id)
    if state is None or state.flow != FLOW:
        return [Text("There's nothing to carry on with. Say `log` to start a new one.")]
    return await _back(turn, state)


async def _back(turn: Turn, state: ConversationState) -> list[Outbound]:
    step = state.step.removeprefix(CONFIRM)
    restored = ConversationState(FLOW, step, state.data)
    await save_state(turn.uow, turn.person.id, restored)
    return await resume(turn, restored)


# The flow's conversation hooks: only the cancel question waits for a typed answer.


def waiting(state: ConversationState) -> bool:
    return state.step.startswith(CONFIRM)


async def answer(turn: Turn, state: ConversationState, reply: str) -> list[Outbound]:
    if reply.strip(" .!").lower() in ("yes", "y"):
        return await confirmed(turn)
    return await _back(turn, state)


async def resume(turn: Turn, state: ConversationState) -> list[Outbound]:
    if state.step.startswith(CONFIRM):
        return [_confirm_card(answers(ActionDraft.model_validate(state.data)))]
    draft = ActionDraft.model_validate(state.data)
    return [idea_form(turn, draft, {}) if draft.is_idea else deed_form(turn, draft, {})]
