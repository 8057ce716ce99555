"""The log flow's state between turns, and its buttons.

The draft lives in the database (flow "log"), so a conversation resumes after a restart
and on any worker.
"""

from __future__ import annotations

from bot.context import Turn
from bot.domain.records import ConversationState
from bot.features.log.draft import ActionDraft
from bot.routes import ActionId
from storage.conversations import load_state, save_state

FLOW = "log"


class LogButton(ActionId):
    ANSWER = "log.answer"  # value: "<question>=<choice>"
    SAVE = "log.save"
    EDIT = "log.edit"
    CANCEL = "log.cancel"
    CANCEL_YES = "log.cancel.yes"  # confirmed: the answers are thrown away
    KEEP_GOING = "log.keep-going"  # not cancelled after all: the question again


async def current_draft(turn: Turn) -> ActionDraft | None:
    state = await load_state(turn.uow, turn.person.id)
    if state is None or state.flow != FLOW:
        return None
    return ActionDraft.model_validate(state.data)


async def keep(turn: Turn, step: str, draft: ActionDraft, skipped: tuple[str, ...] = ()) -> None:
    """`skipped`: the optional questions the quick path was told to skip, not asked again."""
    data = {**draft.model_dump(), "skipped": ",".join(skipped)} if skipped else draft.model_dump()
    await save_state(turn.uow, turn.person.id, ConversationState(FLOW, step, data))


def skipped_of(state: ConversationState) -> tuple[str, ...]:
    return tuple(name for name in state.data.get("skipped", "").split(",") if name)
