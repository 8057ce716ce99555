"""The digest's counts come from the daily summary (storage.summary) plus the part days
at each week's edges (storage.digest): checked against a count by hand on both
databases, at the exact edges of each week, for a week ending in the afternoon, in the
small hours and at midnight, for a few teams and for "everyone" given as a list too
long for SQL. The summary itself equals a count by hand after actions are added, a
person moves team, situations are tapped after saving, a status changes, and people
(staff and a supervisor) are erased; erasure keeps the figures."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select, text

from bot.domain.actions import ActionStatus, Approach, CheckedAction, Context
from bot.domain.org import Organisation
from bot.domain.orgfile import load_organisation
from bot.settings import EXAMPLE_ORG_FILE
from storage.action_details import DetailChange, set_details
from storage.actions import add_action
from storage.database import Database
from storage.digest import LONG_LIST, Bosses, weeks_of
from storage.people import sync_organisation
from storage.privacy import erase_person
from storage.summary import NO_TEAM, ActionDayRow, day_of, rebuild_sql
from storage.tables import ActionRow, PersonRow
from storage.uow import UnitOfWork

WEEK = timedelta(days=7)
STAFF = ["asha", "tom", "chen", "gosia"]  # asha and tom report to sam; chen and gosia to priya
ENDS = [
    datetime(2026, 11, 20, 16, 0, tzinfo=UTC),  # Friday afternoon: edges counted back to midnight
    datetime(2026, 11, 20, 4, 30, tzinfo=UTC),  # small hours: counted on from midnight
    datetime(2026, 11, 20, 0, 0, tzinfo=UTC),  # midnight: whole days only
]


def _action(n: int) -> CheckedAction:
    return CheckedAction(
        occurred_on=date(2026, 11, 1),
        customer_need="need",
        offer_item_id="carry-out",
        extra=f"extra {n}",
        status=ActionStatus.DONE,
        context=Context.BUSY if n % 3 else Context.QUIET,
        approach=Approach.INITIATIVE,
        customer_aware=True,
        result="",
    )


def _moments(end: datetime) -> list[datetime]:
    ms, second = timedelta(milliseconds=1), timedelta(seconds=1)
    edges = [end - k * WEEK for k in range(9)]
    around = [m for edge in edges for m in (edge - ms, edge, edge + ms)]
    # ... and either side of the midnights next to them, and of the span.
    midnights = [datetime.combine(day_of(e), datetime.min.time(), UTC) for e in edges]
    near = [m + d for m in midnights for d in (-second, timedelta(0), second, timedelta(days=1))]
    return [*around, *near, end - 3 * WEEK + timedelta(days=2, hours=5)]


async def _hand_counts(
    uow: UnitOfWork, bosses: set[str], end: datetime
) -> tuple[list[int], Counter[tuple[str | None, str]]]:
    rows = (
        await uow.session.execute(
            select(ActionRow.created_at, ActionRow.context, PersonRow.supervisor_id).join(  # type: ignore[call-overload]
                PersonRow, PersonRow.id == ActionRow.person_id
            )
        )
    ).all()
    weeks, last = [0] * 8, Counter[tuple[str | None, str]]()
    for at, context, boss in rows:
        at = at.replace(tzinfo=UTC) if at.tzinfo is None else at
        if (boss or NO_TEAM) in bosses and end - 8 * WEEK <= at < end:
            weeks[int((at - (end - 8 * WEEK)) / WEEK)] += 1
            if at >= end - WEEK:
                last[(boss, context)] += 1
    return weeks, last


@pytest.mark.parametrize("end", ENDS, ids=["afternoon", "small-hours", "midnight"])
async def test_weeks_match_a_count_by_hand(
    database: Database, org: Organisation, end: datetime
) -> None:
    async with UnitOfWork(database) as uow:
        await sync_organisation(uow, org)
        for n, at in enumerate(_moments(end) * 2):
            await add_action(uow, STAFF[n % len(STAFF)], _action(n), now=at)
        await uow.commit()

    async with UnitOfWork(database) as uow:
        for bosses in ({"sam"}, {"priya"}, {"maria", "sam", "priya"}):
            weeks, last = await _hand_counts(uow, bosses, end)
            assert sum(weeks) > 10, "the moments must land in the span"
            figures = await weeks_of(uow, Bosses(frozenset(bosses)), end, 8)
            assert figures.totals == weeks, bosses
            assert figures.last == dict(last), bosses

        # A part of the organisation with more teams than an IN list takes: same answer.
        crowd = frozenset({"sam", *(f"nobody{n}" for n in range(LONG_LIST))})
        assert not Bosses(crowd).exact
        assert await weeks_of(uow, Bosses(crowd), end, 8) == await weeks_of(
            uow, Bosses(frozenset({"sam"})), end, 8
        )


async def _summary(uow: UnitOfWork) -> Counter[tuple[date, str, str]]:
    rows = (await uow.session.execute(select(ActionDayRow))).scalars().all()
    return Counter({(r.day, r.supervisor_id, r.context): r.actions for r in rows if r.actions})


async def _by_hand(uow: UnitOfWork) -> Counter[tuple[date, str, str]]:
    rows = (
        await uow.session.execute(
            select(ActionRow.created_at, PersonRow.supervisor_id, ActionRow.context).join(  # type: ignore[call-overload]
                PersonRow, PersonRow.id == ActionRow.person_id
            )
        )
    ).all()
    return Counter(
        (day_of(at.replace(tzinfo=at.tzinfo or UTC)), b or NO_TEAM, c) for at, b, c in rows
    )


async def test_the_summary_equals_a_count_by_hand_after_adds_moves_and_erasures(
    database: Database, org: Organisation, tmp_path: Path
) -> None:
    end = ENDS[0]
    async with UnitOfWork(database) as uow:
        await sync_organisation(uow, org)
        for n, at in enumerate(_moments(end)):
            await add_action(uow, [*STAFF, "sam", "maria"][n % 6], _action(n), now=at)
        await uow.commit()
    async with UnitOfWork(database) as uow:
        assert await _summary(uow) == await _by_hand(uow)
        before = await weeks_of(uow, Bosses(frozenset({"maria", "sam", "priya"})), end, 8)

    # The organisation file moves tom to priya's team: his actions go with him.
    data = yaml.safe_load(EXAMPLE_ORG_FILE.read_text(encoding="utf-8"))
    for person in data["people"]:
        if person["id"] == "tom":
            person["supervisor"] = "priya"
    moved = tmp_path / "moved.yml"
    moved.write_text(yaml.safe_dump(data), encoding="utf-8")
    async with UnitOfWork(database) as uow:
        await sync_organisation(uow, load_organisation(moved))
        await uow.commit()
    async with UnitOfWork(database) as uow:
        assert await _summary(uow) == await _by_hand(uow)
        sams = await weeks_of(uow, Bosses(frozenset({"sam"})), end, 8)
        priyas = await weeks_of(uow, Bosses(frozenset({"priya"})), end, 8)
        assert [a + b for a, b in zip(sams.totals, priyas.totals, strict=True)] == [
            a - b
            for a, b in zip(
                before.totals,
                (await weeks_of(uow, Bosses(frozenset({"maria"})), end, 8)).totals,
                strict=True,
            )
        ]

    # Edits: a situation tapped after saving moves its count; a status (as a decision
    # makes) changes no figure.
    async with UnitOfWork(database) as uow:
        ids = (await uow.session.execute(select(ActionRow.id).order_by(ActionRow.id))).scalars()  # type: ignore[call-overload]
        for n, action_id in enumerate(list(ids)[:12]):
            context = [Context.LET_DOWN, Context.UNSAID, Context.QUIET][n % 3]
            await set_details(uow, action_id, DetailChange(context=context))
        await uow.session.execute(
            text("UPDATE extra_mile_action SET status = 'approved' WHERE person_id = 'chen'")
        )
        await uow.commit()
    async with UnitOfWork(database) as uow:
        assert await _summary(uow) == await _by_hand(uow)

    # Erasure: a staff member, then a supervisor (whose team's figures go on under their
    # pseudonym). The figures stay as they were.
    for person in ("asha", "sam"):
        async with UnitOfWork(database) as uow:
            await erase_person(uow, person, [person.title()])
            await uow.commit()
        async with UnitOfWork(database) as uow:
            assert await _summary(uow) == await _by_hand(uow)
    async with UnitOfWork(database) as uow:
        aliases = [r for r in (await uow.session.execute(select(PersonRow.id))).scalars()]  # type: ignore[call-overload]
        erased = {a for a in aliases if a.startswith("erased-")}
        after = await weeks_of(uow, Bosses(frozenset({"maria", "priya", *erased})), end, 8)
        assert after.totals == before.totals
        assert sum(after.last.values()) == sum(before.last.values())

    # The migration's backfill (the same SQL as storage.summary.rebuild) makes the same table.
    async with UnitOfWork(database) as uow:
        kept = await _summary(uow)
        for statement in rebuild_sql(uow.dialect):
            await uow.session.execute(text(statement))
        assert await _summary(uow) == kept
