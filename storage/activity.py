"""Read-only figures for prompts, summaries and the digest."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Label, func, literal_column, true
from sqlmodel import col, select

from bot.domain.actions import Context, RequestStatus, Sentiment
from bot.domain.records import ActionFact, Decision, Praise
from storage.tables import (
    ActionRow,
    CustomerFeedbackRow,
    FeasibilityRequestRow,
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


async def decisions_between(
    uow: UnitOfWork, team: Team, start: datetime, end: datetime
) -> list[Decision]:
    rows = (
        await uow.session.exec(
            select(FeasibilityRequestRow)
            .where(team.where(FeasibilityRequestRow.requester_id))
            .where(col(FeasibilityRequestRow.decided_at) >= start)
            .where(col(FeasibilityRequestRow.decided_at) < end)
        )
    ).all()
    return [
        Decision(RequestStatus(r.status), r.created_at, r.decided_at)
        for r in rows
        if r.decided_at and r.requester_id in team.members
    ]


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


# Which week of the span an action falls in, counted from the span's start (seconds
# since the epoch, computed here, never user input), per dialect.
_WEEK_OF_SPAN = {
    "sqlite": "CAST((CAST(strftime('%s', extra_mile_action.created_at) AS INTEGER) "
    "- {start!r}) / 604800 AS INTEGER)",
    "postgresql": "FLOOR((EXTRACT(EPOCH FROM extra_mile_action.created_at) - {start!r}) / 604800)",
}


async def weekly_counts(uow: UnitOfWork, team: Team, end: datetime, weeks: int) -> list[int]:
    """Actions logged in each of the `weeks` seven-day weeks before `end`, oldest first:
    one pass over the span, grouped by week in SQL."""
    start = end - timedelta(days=7 * weeks)
    week: Label[int] = literal_column(
        _WEEK_OF_SPAN[uow.dialect].format(start=start.timestamp())
    ).label("week")
    columns = [week, func.count()] if team.exact else [week, ActionRow.person_id, func.count()]
    query = (
        select(*columns)
        .where(team.where(ActionRow.person_id))
        .where(col(ActionRow.created_at) >= start)
        .where(col(ActionRow.created_at) < end)
        .group_by(*columns[:-1])
    )
    counts = [0] * weeks
    for row in (await uow.session.exec(query)).all():
        if not team.exact and row[1] not in team.members:
            continue
        if 0 <= int(row[0]) < weeks:
            counts[int(row[0])] += int(row[-1])
    return counts


async def counts_by_team_and_context(
    uow: UnitOfWork, team: Team, start: datetime, end: datetime
) -> dict[tuple[str | None, str], int]:
    """Actions logged in [start, end) by these people, per supervisor (their team) and
    context: grouped in SQL, through each person's recorded supervisor (erased people
    keep theirs, so their actions still count in their old team)."""
    window = (col(ActionRow.created_at) >= start, col(ActionRow.created_at) < end)
    joined = col(PersonRow.id) == ActionRow.person_id
    counts: dict[tuple[str | None, str], int] = {}
    if team.exact:
        rows = (
            await uow.session.exec(
                select(PersonRow.supervisor_id, ActionRow.context, func.count())
                .join(PersonRow, joined)
                .where(team.where(ActionRow.person_id), *window)
                .group_by(col(PersonRow.supervisor_id), col(ActionRow.context))
            )
        ).all()
        return {(boss, context): int(n) for boss, context, n in rows}
    for person, boss, context, n in (
        await uow.session.exec(
            select(ActionRow.person_id, PersonRow.supervisor_id, ActionRow.context, func.count())
            .join(PersonRow, joined)
            .where(*window)
            .group_by(
                col(ActionRow.person_id), col(PersonRow.supervisor_id), col(ActionRow.context)
            )
        )
    ).all():
        if person in team.members:
            counts[(boss, context)] = counts.get((boss, context), 0) + int(n)
    return counts


async def stand_outs_between(
    uow: UnitOfWork,
    team: Team,
    start: datetime,
    end: datetime,
    praised: set[int],
    limit: int = 3,
) -> list[ActionFact]:
    """The first actions of the window that customers praised, then those the customer
    knew about: at most `limit`, read a few at a time rather than the whole week."""
    window = (
        select(ActionRow)
        .where(team.where(ActionRow.person_id))
        .where(col(ActionRow.created_at) >= start)
        .where(col(ActionRow.created_at) < end)
        .order_by(col(ActionRow.created_at))
    )
    found: list[ActionFact] = []
    for query in (
        window.where(col(ActionRow.id).in_(sorted(praised))),
        window.where(col(ActionRow.customer_aware).is_(True)),
    ):
        offset = 0
        while len(found) < limit:
            rows = (await uow.session.exec(query.offset(offset).limit(200))).all()
            found += [
                _fact(r)
                for r in rows
                if r.person_id in team.members and r.id not in {f.id for f in found}
            ]
            if len(rows) < 200:
                break
            offset += 200
    return found[:limit]


def _fact(row: ActionRow) -> ActionFact:
    return ActionFact(
        row.id or 0,
        row.person_id,
        Context(row.context),
        row.extra,
        row.customer_aware,
        row.created_at,
    )
