"""The digest's summary: how many actions each team logged on each day (UTC), per
situation, kept in the same transaction as the actions themselves.

A team is the supervisor the person had when the count was made (`''`: nobody), as the
digest groups them. The counts follow the people: a new action adds one; a person moved
to another supervisor in the organisation file takes their counts along; an erased
supervisor's counts move to their pseudonym (erasure keeps figures).

Days, not weeks: a digest's week ends at any instant (Friday 16:00 in the manager's time
zone, or now, on demand), so storage.digest adds whole days from here to the two part
days at the edges, counted from the actions (a short index range each).
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime

from sqlalchemy import Date, Index, bindparam, text
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import Field, SQLModel, col, delete, select

from storage.tables import ActionRow, CustomerFeedbackRow, PersonRow
from storage.uow import UnitOfWork

NO_TEAM = ""  # the key of people with no supervisor (a key column cannot be NULL)


class ActionDayRow(SQLModel, table=True):
    __tablename__ = "action_day"

    day: date = Field(primary_key=True)  # UTC
    supervisor_id: str = Field(primary_key=True, max_length=63)
    context: str = Field(primary_key=True, max_length=20)
    actions: int = 0


# The digest's praise of the week, found by time (declared here, beside the digest's other
# storage; SQLAlchemy attaches it to the feedback table).
FEEDBACK_BY_TIME = Index(
    "ix_feedback_created",
    CustomerFeedbackRow.__table__.c.created_at,  # type: ignore[attr-defined]
)


def day_of(at: datetime) -> date:
    return at.astimezone(UTC).date()


_UPSERT = (
    " ON CONFLICT (day, supervisor_id, context) "
    "DO UPDATE SET actions = action_day.actions + excluded.actions"
)
# One statement, no read first: the person's supervisor is taken where it is stored.
_COUNT_ACTION = text(
    "INSERT INTO action_day (day, supervisor_id, context, actions) "
    "SELECT :day, COALESCE(supervisor_id, ''), :context, 1 FROM person WHERE id = :person" + _UPSERT
).bindparams(bindparam("day", type_=Date))
_ADD = text(
    "INSERT INTO action_day (day, supervisor_id, context, actions) "
    "VALUES (:day, :supervisor, :context, :actions)" + _UPSERT
).bindparams(bindparam("day", type_=Date))


async def count_action(uow: UnitOfWork, person_id: str, created_at: datetime, context: str) -> None:
    """A new action of `person_id`: one more for their team, that day and situation."""
    await uow.session.execute(
        _COUNT_ACTION, {"day": day_of(created_at), "context": context, "person": person_id}
    )


async def _add(uow: UnitOfWork, supervisor: str, counts: Counter[tuple[date, str]]) -> None:
    if counts:
        await uow.session.execute(
            _ADD,
            [
                {"day": day, "supervisor": supervisor, "context": context, "actions": n}
                for (day, context), n in sorted(counts.items())
            ],
        )


async def move_person(uow: UnitOfWork, person_id: str, old: str | None, new: str | None) -> None:
    """`person_id` now reports to `new`: their counts leave `old`'s team for `new`'s.
    Reads only their own actions (the person index)."""
    if (old or NO_TEAM) == (new or NO_TEAM):
        return
    rows = (
        await uow.session.exec(
            select(ActionRow.created_at, ActionRow.context).where(
                col(ActionRow.person_id) == person_id
            )
        )
    ).all()
    counts = Counter((day_of(at), context) for at, context in rows)
    await _add(uow, old or NO_TEAM, Counter({k: -n for k, n in counts.items()}))
    await _add(uow, new or NO_TEAM, counts)


async def context_changed(uow: UnitOfWork, action_id: int, context: str) -> None:
    """Before an action's situation changes (a detail tapped after saving): its count
    moves from the old situation to `context`, in its team and day."""
    found = (
        await uow.session.exec(
            select(ActionRow.created_at, ActionRow.context, PersonRow.supervisor_id)
            .join(PersonRow, col(PersonRow.id) == ActionRow.person_id)
            .where(col(ActionRow.id) == action_id)
        )
    ).first()
    if found is None or found[1] == context:
        return
    at, old, boss = found
    day = day_of(at)
    await _add(uow, boss or NO_TEAM, Counter({(day, old): -1, (day, context): 1}))


async def rekey_supervisor(uow: UnitOfWork, old: str, new: str) -> None:
    """An erased supervisor: their team's counts stay, under their pseudonym."""
    rows = (
        await uow.session.exec(select(ActionDayRow).where(col(ActionDayRow.supervisor_id) == old))
    ).all()
    counts = Counter({(r.day, r.context): r.actions for r in rows})
    await uow.session.exec(delete(ActionDayRow).where(col(ActionDayRow.supervisor_id) == old))
    await _add(uow, new, counts)


# The whole table from the actions: the migration's backfill, and after bulk loads.
_DAY = {
    "sqlite": "date(a.created_at)",
    "postgresql": "CAST(a.created_at AT TIME ZONE 'UTC' AS DATE)",
}


def rebuild_sql(dialect: str) -> list[str]:
    return [
        "DELETE FROM action_day",
        "INSERT INTO action_day (day, supervisor_id, context, actions) "
        f"SELECT {_DAY[dialect]}, COALESCE(p.supervisor_id, ''), a.context, count(*) "
        "FROM extra_mile_action a JOIN person p ON p.id = a.person_id "
        f"GROUP BY {_DAY[dialect]}, COALESCE(p.supervisor_id, ''), a.context",
    ]


async def rebuild(connection: AsyncConnection) -> None:
    for statement in rebuild_sql(connection.dialect.name):
        await connection.execute(text(statement))
