"""The log flow's state between turns, and its buttons.

A form sent back with errors keeps its draft in the database (flow "log", step "form"
or "idea"), so what was typed survives a restart, another worker, and the form being
closed and opened again.
"""

from __future__ import annotations

from bot.context import Turn
from bot.domain.records import ConversationState
from bot.features.log.draft import ActionDraft
from bot.routes import ActionId
from storage.conversations import load_state, save_state

FLOW = "log"


class LogButton(ActionId):
    DETAIL = "log.detail"  # value: "<action id>:<detail>=<choice>", saved at once
    CANCEL_YES = "log.cancel.yes"  # confirmed: the answers are thrown away
    KEEP_GOING = "log.keep-going"  # not cancelled after all: the form again


async def current_draft(turn: Turn) -> ActionDraft | None:
    state = await load_state(turn.uow, turn.person.id)
    if state is None or state.flow != FLOW:
        return None
    return ActionDraft.model_validate(state.data)


async def keep(turn: Turn, step: str, draft: ActionDraft) -> None:
    await save_state(turn.uow, turn.person.id, ConversationState(FLOW, step, draft.model_dump()))
