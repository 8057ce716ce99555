"""Conversation state: where each person is in a multi-step flow.

Core statements on one row (a turn reads and writes it every time): no ORM identity
map, no flush. Executed through the session, so anything the turn added before is
flushed first.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, delete, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from bot.domain.records import ConversationState
from storage.database import utc_now
from storage.prepared import prepare, run
from storage.tables import ConversationStateRow
from storage.uow import UnitOfWork

_table: Any = ConversationStateRow.__table__  # type: ignore[attr-defined]
_c = _table.c
_LOAD = prepare(select(_c.flow, _c.step, _c.data).where(_c.person_id == bindparam("person_id")))


async def load_state(uow: UnitOfWork, person_id: str) -> ConversationState | None:
    row = (await run(uow, _LOAD, {"person_id": person_id})).first()
    if row is None:
        return None
    flow, step, data = row
    return ConversationState(flow, step, {k: str(v) for k, v in data.items()})


async def save_state(uow: UnitOfWork, person_id: str, state: ConversationState) -> None:
    insert = postgresql_insert if uow.dialect == "postgresql" else sqlite_insert
    values = {"flow": state.flow, "step": state.step, "data": dict(state.data)}
    statement = insert(_table).values(person_id=person_id, updated_at=utc_now(), **values)
    await uow.session.exec(
        statement.on_conflict_do_update(
            index_elements=["person_id"],
            set_={**values, "updated_at": statement.excluded.updated_at},
        )
    )


async def clear_state(uow: UnitOfWork, person_id: str) -> None:
    await uow.session.exec(delete(_table).where(_c.person_id == person_id))
