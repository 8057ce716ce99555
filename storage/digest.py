"""The manager's digest, read from the summary (storage.summary) and a few short index
reads: no statement visits a week of actions, let alone eight.

A manager's part of the organisation is given by its teams (`bosses`: the supervisors
whose people count, the manager included). Each read selects people through their
recorded supervisor, with an IN list when it is short; for a longer one it reads
every team's few rows and keeps the manager's, rather than sending thousands of ids.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, literal, select, true, union_all

from bot.domain.actions import Context, RequestStatus, Sentiment
from bot.domain.records import ActionFact, Decision, Praise
from storage.summary import NO_TEAM, ActionDayRow
from storage.tables import ActionRow, CustomerFeedbackRow, FeasibilityRequestRow, PersonRow
from storage.uow import UnitOfWork

LONG_LIST = 500  # beyond this many teams, read every team's rows and keep these
DAY = timedelta(days=1)
Key = tuple[str, str]  # (supervisor, or NO_TEAM; context)
# The tables' columns (Core: a few columns per statement, never whole ORM rows).
DAYS: Any = ActionDayRow.__table__.c  # type: ignore[attr-defined]
ACTION: Any = ActionRow.__table__.c  # type: ignore[attr-defined]
PEOPLE: Any = PersonRow.__table__  # type: ignore[attr-defined]
PERSON: Any = PEOPLE.c
FEEDBACK: Any = CustomerFeedbackRow.__table__.c  # type: ignore[attr-defined]
REQUEST: Any = FeasibilityRequestRow.__table__.c  # type: ignore[attr-defined]
BOSS: Any = func.coalesce(PERSON.supervisor_id, NO_TEAM)  # the team of a person's row


@dataclass(frozen=True, slots=True)
class Bosses:
    ids: frozenset[str]

    @property
    def exact(self) -> bool:
        """Whether `where` selects exactly these teams (else `keep` must be asked too)."""
        return len(self.ids) <= LONG_LIST

    def where(self, column: Any) -> ColumnElement[bool]:
        return column.in_(sorted(self.ids)) if self.exact else true()

    def keep(self, boss: str | None) -> bool:
        return (boss or NO_TEAM) in self.ids


@dataclass(frozen=True, slots=True)
class Weeks:
    """The last week's actions per team and situation, and every week's total."""

    last: dict[tuple[str | None, str], int]
    totals: list[int]


def _anchor(edge: datetime) -> tuple[datetime, int]:
    """The midnight nearest `edge`, and whether the part day between them is added
    (+1: midnight, then up to the edge) or taken away (-1: the edge, then up to midnight)."""
    midnight = datetime.combine(edge.astimezone(UTC).date(), time(), UTC)
    if edge - midnight <= DAY / 2:
        return midnight, 1
    return midnight + DAY, -1


async def weeks_of(uow: UnitOfWork, bosses: Bosses, end: datetime, weeks: int) -> Weeks:
    """Actions logged in each of the `weeks` (at least one) seven-day weeks before `end`,
    exactly, to the microsecond: whole days from the summary, summed in SQL (a row a day
    for the trend, a row a team and situation for the last week), and the part days at
    each edge from the actions' time index."""
    edges = [end - timedelta(days=7 * (weeks - k)) for k in range(weeks + 1)]
    anchors = [_anchor(edge) for edge in edges]
    midnights = [midnight.date() for midnight, _ in anchors]
    totals = await _day_totals(uow, bosses, midnights)
    last = await _team_days(uow, bosses, midnights[-2], midnights[-1])
    for k, key, n in await _part_days(uow, bosses, edges, anchors):
        signed = n * anchors[k][1]  # added at edge k: into week k - 1, out of week k
        if k < weeks:
            totals[k] -= signed
        if k > 0:
            totals[k - 1] += signed
        last[key] += signed if k == weeks else -signed if k == weeks - 1 else 0
    return Weeks(
        last={(b or None, context): n for (b, context), n in last.items() if n},
        totals=totals,
    )


async def _day_totals(uow: UnitOfWork, bosses: Bosses, midnights: list[date]) -> list[int]:
    """The whole days between each two midnights: the teams' total a day, from SQL."""
    in_span = (DAYS.day >= midnights[0], DAYS.day < midnights[-1])
    by_day = (
        select(DAYS.day, func.sum(DAYS.actions)).where(*in_span, bosses.where(DAYS.supervisor_id))
        if bosses.exact
        else select(DAYS.day, func.sum(DAYS.actions), DAYS.supervisor_id).where(*in_span)
    )
    totals = [0] * (len(midnights) - 1)
    for day, n, *team in (
        await uow.session.execute(by_day.group_by(*by_day.selected_columns[::2]))
    ).all():
        if bosses.exact or bosses.keep(team[0]):
            totals[bisect_right(midnights, day) - 1] += int(n)
    return totals


async def _team_days(uow: UnitOfWork, bosses: Bosses, first: date, end: date) -> Counter[Key]:
    """The whole days in [first, end), per team and situation."""
    boss = DAYS.supervisor_id
    rows = await uow.session.execute(
        select(boss, DAYS.context, func.sum(DAYS.actions))
        .where(DAYS.day >= first, DAYS.day < end, bosses.where(boss))
        .group_by(boss, DAYS.context)
    )
    return Counter({(b, c): int(n) for b, c, n in rows.all() if bosses.keep(b)})


async def _part_days(
    uow: UnitOfWork,
    bosses: Bosses,
    edges: list[datetime],
    anchors: list[tuple[datetime, int]],
) -> list[tuple[int, Key, int]]:
    """Actions between each edge and its midnight: one statement, each part an index
    range of less than half a day; per team and situation at the last week's two edges,
    elsewhere (the trend) only as many groups as `bosses` needs to keep its teams."""
    parts: list[Any] = []
    for k, (edge, (midnight, _)) in enumerate(zip(edges, anchors, strict=True)):
        if edge == midnight:
            continue
        low, high = min(edge, midnight), max(edge, midnight)
        part = _per_person(ACTION, ACTION.created_at >= low, ACTION.created_at < high)
        detail = k >= len(edges) - 2
        group = [PERSON.supervisor_id] if detail or not bosses.exact else []
        group += [part.c.context] if detail else []
        boss = group[0] if group else literal(NO_TEAM)
        context = part.c.context if detail else literal("")
        parts.append(
            select(literal(k).label("k"), boss.label("boss"), context.label("context"))
            .add_columns(func.sum(part.c.n))
            .select_from(part)
            .join(PEOPLE, PERSON.id == part.c.person_id)
            .where(bosses.where(BOSS))
            .group_by(*group)
        )
    if not parts:
        return []
    rows = (await uow.session.execute(union_all(*parts))).all()
    return [
        (int(k), (b or NO_TEAM, c), int(n or 0))
        for k, b, c, n in rows
        if bosses.exact or bosses.keep(b)
    ]


def _per_person(table: Any, *where: ColumnElement[bool]) -> Any:
    """Rows counted per person (and situation, for actions) first, through the time
    index, and only then joined to their team: joined first, a database may walk every
    person and seek each one's rows instead (SQLite does, at 10,000 people)."""
    columns = [table.person_id, *([table.context] if table is ACTION else [])]
    return select(*columns, func.count().label("n")).where(*where).group_by(*columns).subquery()


def _window(column: Any, start: datetime, end: datetime) -> ColumnElement[bool]:
    return and_(column >= start, column < end)


async def decisions(
    uow: UnitOfWork, bosses: Bosses, start: datetime, end: datetime
) -> list[Decision]:
    """Ideas of these teams decided in [start, end)."""
    rows = (
        await uow.session.execute(
            select(PERSON.supervisor_id, REQUEST.status, REQUEST.created_at, REQUEST.decided_at)
            .join(PEOPLE, PERSON.id == REQUEST.requester_id)
            .where(_window(REQUEST.decided_at, start, end))
            .where(bosses.where(BOSS))
        )
    ).all()
    return [
        Decision(RequestStatus(status), created, decided)
        for boss, status, created, decided in rows
        if decided and bosses.keep(boss)
    ]


def _praise(*columns: Any, start: datetime, end: datetime) -> Any:
    return (
        select(*columns)
        .join(PEOPLE, PERSON.id == FEEDBACK.person_id)
        .where(FEEDBACK.sentiment == Sentiment.POSITIVE)
        .where(_window(FEEDBACK.created_at, start, end))
    )


async def praise(
    uow: UnitOfWork, bosses: Bosses, start: datetime, end: datetime, quotes: int = 3
) -> tuple[int, list[Praise]]:
    """How much praise these teams had in [start, end) (counted in SQL, per team), and
    the latest `quotes` of it."""
    positive = _per_person(
        FEEDBACK,
        FEEDBACK.sentiment == Sentiment.POSITIVE,
        _window(FEEDBACK.created_at, start, end),
    )
    counted = (
        await uow.session.execute(
            select(BOSS, func.sum(positive.c.n))
            .select_from(positive)
            .join(PEOPLE, PERSON.id == positive.c.person_id)
            .where(bosses.where(BOSS))
            .group_by(BOSS)
        )
    ).all()
    total = sum(int(n) for b, n in counted if bosses.keep(b))
    latest = (
        _praise(
            PERSON.supervisor_id,
            FEEDBACK.person_id,
            FEEDBACK.action_id,
            FEEDBACK.words,
            FEEDBACK.created_at,
            start=start,
            end=end,
        )
        .where(bosses.where(BOSS))
        .order_by(FEEDBACK.created_at.desc(), FEEDBACK.id.desc())
    )
    rows = await _first(uow, latest, lambda r: bosses.keep(r[0]), quotes if total else 0)
    return total, [Praise(r[1], r[2], r[3], r[4]) for r in rows]


async def stand_outs(
    uow: UnitOfWork, bosses: Bosses, start: datetime, end: datetime, limit: int = 3
) -> list[ActionFact]:
    """The first actions of [start, end) that customers praised in it, then those the
    customer knew about: at most `limit`, read a few at a time in time order."""
    a = ACTION
    window = (
        select(
            PERSON.supervisor_id,
            a.id,
            a.person_id,
            a.context,
            a.extra,
            a.customer_aware,
            a.created_at,
        )
        .join(PEOPLE, PERSON.id == a.person_id)
        .where(_window(a.created_at, start, end))
        .where(bosses.where(BOSS))
        .order_by(a.created_at, a.id)
    )
    praised = exists().where(
        FEEDBACK.action_id == a.id,
        FEEDBACK.sentiment == Sentiment.POSITIVE,
        _window(FEEDBACK.created_at, start, end),
    )
    found: dict[int, ActionFact] = {}
    for query in (window.where(praised), window.where(a.customer_aware.is_(True))):
        new = await _first(
            uow, query, lambda r: bosses.keep(r[0]) and r[1] not in found, limit - len(found)
        )
        for r in new:
            found[r[1]] = ActionFact(r[1], r[2], Context(r[3]), r[4], r[5], r[6])
    return list(found.values())


async def _first(
    uow: UnitOfWork, query: Any, keep: Callable[[Any], bool], wanted: int, size: int = 50
) -> list[Any]:
    """The first `wanted` rows of `query` that `keep` accepts, read `size` at a time."""
    found: list[Any] = []
    offset = 0
    while len(found) < wanted:
        rows = (await uow.session.execute(query.offset(offset).limit(size))).all()
        found += [row for row in rows if keep(row)]
        if len(rows) < size:
            break
        offset += size
    return found[:wanted]
