"""Read-only figures for the prompts and the supervisors' summary (the digest: storage.digest)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, func, true
from sqlmodel import col, select

from bot.domain.actions import Context, Sentiment
from bot.domain.records import ActionFact, Praise
from storage.tables import (
    ActionRow,
    CustomerFeedbackRow,
    PersonRow,
)
from storage.uow import UnitOfWork

# Beyond this many people, a query reads everyone's rows and Python keeps the team's:
# an IN list of thousands costs the database more than the rows it saves.
LONG_LIST = 500


@dataclass(frozen=True, slots=True)
class Team:
    """Whose rows a figure counts, and the cheapest SQL condition that selects them: an
    IN list, NOT IN everyone else (a manager of nearly everyone), or, when both lists
    would be long, none (`exact` is False and the caller keeps `members`' rows)."""

    members: frozenset[str]
    inside: tuple[str, ...] | None = None
    outside: tuple[str, ...] | None = None

    @property
    def exact(self) -> bool:
        return self.inside is not None or self.outside is not None

    def where(self, column: Any) -> ColumnElement[bool]:
        if self.inside is not None:
            return col(column).in_(self.inside)
        if self.outside:
            return col(column).not_in(self.outside)
        return true()


async def team_of(uow: UnitOfWork, people: list[str]) -> Team:
    """Built once per report: a large team costs one read of everyone's id."""
    members = frozenset(people)
    if len(members) <= LONG_LIST:
        return Team(members, inside=tuple(sorted(members)))
    outside = set((await uow.session.exec(select(PersonRow.id))).all()) - members
    if len(outside) <= LONG_LIST:
        return Team(members, outside=tuple(sorted(outside)))
    return Team(members)


async def last_logged(uow: UnitOfWork) -> dict[str, datetime]:
    rows = (
        await uow.session.exec(
            select(ActionRow.person_id, func.max(ActionRow.created_at)).group_by(
                col(ActionRow.person_id)
            )
        )
    ).all()
    return {person: when for person, when in rows if when is not None}


async def paused_until(uow: UnitOfWork) -> dict[str, date]:
    rows = (await uow.session.exec(select(PersonRow))).all()
    return {r.id: r.prompts_paused_until for r in rows if r.prompts_paused_until}


async def pause_prompts(uow: UnitOfWork, person_id: str, until: date | None) -> None:
    row = await uow.session.get(PersonRow, person_id)
    assert row is not None
    row.prompts_paused_until = until
    uow.session.add(row)


async def praise_between(
    uow: UnitOfWork, team: Team, start: datetime, end: datetime
) -> list[Praise]:
    rows = (
        await uow.session.exec(
            select(CustomerFeedbackRow)
            .where(team.where(CustomerFeedbackRow.person_id))
            .where(CustomerFeedbackRow.sentiment == Sentiment.POSITIVE)
            .where(col(CustomerFeedbackRow.created_at) >= start)
            .where(col(CustomerFeedbackRow.created_at) < end)
            .order_by(col(CustomerFeedbackRow.created_at).desc())
        )
    ).all()
    return [
        Praise(r.person_id, r.action_id, r.words, r.created_at)
        for r in rows
        if r.person_id in team.members
    ]


async def unanswered_follow_ups(uow: UnitOfWork, people: list[str]) -> list[ActionFact]:
    rows = (
        await uow.session.exec(
            select(ActionRow)
            .where(col(ActionRow.person_id).in_(people))
            .where(col(ActionRow.follow_up_asked) > 0)
            .where(col(ActionRow.follow_up_answered_at).is_(None))
            .order_by(col(ActionRow.created_at))
        )
    ).all()
    return [_fact(r) for r in rows]


def _fact(row: ActionRow) -> ActionFact:
    return ActionFact(
        row.id or 0,
        row.person_id,
        Context(row.context),
        row.extra,
        row.customer_aware,
        row.created_at,
    )
