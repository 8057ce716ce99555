"""Conversation state: where each person is in a multi-step flow."""

from __future__ import annotations

from bot.domain.records import ConversationState
from storage.database import utc_now
from storage.tables import ConversationStateRow
from storage.uow import UnitOfWork


async def load_state(uow: UnitOfWork, person_id: str) -> ConversationState | None:
    row = await uow.session.get(ConversationStateRow, person_id)
    if row is None:
        return None
    return ConversationState(row.flow, row.step, {k: str(v) for k, v in row.data.items()})


async def save_state(uow: UnitOfWork, person_id: str, state: ConversationState) -> None:
    row = await uow.session.get(ConversationStateRow, person_id)
    if row is None:
        row = ConversationStateRow(person_id=person_id, flow="", step="", updated_at=utc_now())
    row.flow = state.flow
    row.step = state.step
    row.data = dict(state.data)
    row.updated_at = utc_now()
    uow.session.add(row)


async def clear_state(uow: UnitOfWork, person_id: str) -> None:
    row = await uow.session.get(ConversationStateRow, person_id)
    if row is not None:
        await uow.session.delete(row)
