"""The digest's counts come from SQL aggregates (storage.activity): checked against a
count by hand on both databases, at the exact edges of each week, for a team given
as a short list and as "everyone but a few"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from bot.domain.org import Organisation
from storage.activity import LONG_LIST, counts_by_team_and_context, team_of, weekly_counts
from storage.database import Database
from storage.people import sync_organisation
from storage.tables import ActionRow, PersonRow
from storage.uow import UnitOfWork

END = datetime(2026, 11, 20, 16, 0, tzinfo=UTC)
WEEK = timedelta(days=7)


async def test_weekly_and_team_counts_match_a_count_by_hand(
    database: Database, org: Organisation
) -> None:
    moments = [
        END - 8 * WEEK,  # the first instant of the span: week 0
        END - 8 * WEEK - timedelta(seconds=1),  # before the span
        # (SQLite's date functions work to the millisecond, so "just before" is 1 ms.)
        END - 7 * WEEK - timedelta(milliseconds=1),  # the last instant of week 0
        END - 7 * WEEK,  # week 1 starts
        END - WEEK - timedelta(seconds=1),  # week 6
        END - WEEK,  # week 7 (the last)
        END - timedelta(milliseconds=1),  # week 7
        END,  # after the span
    ]
    staff = ["asha", "tom", "chen", "gosia"]
    async with UnitOfWork(database) as uow:
        await sync_organisation(uow, org)
        for n, at in enumerate(moments * 2):
            uow.session.add(
                ActionRow(
                    person_id=staff[n % len(staff)],
                    occurred_on=at.date(),
                    customer_need="need",
                    offer_item_id="carry-out",
                    extra="extra",
                    status="done",
                    context="busy" if n % 3 else "quiet",
                    approach="initiative",
                    created_at=at,
                    updated_at=at,
                )
            )
        await uow.commit()

    team = ["asha", "tom", "chen"]  # gosia's actions must not count
    everyone = [p.id for p in org.people]
    async with UnitOfWork(database) as uow:
        actions = (await uow.session.exec(select(ActionRow))).all()
        rows = [(r.person_id, r.created_at, r.context) for r in actions]
        bosses = {p.id: p.supervisor_id for p in (await uow.session.exec(select(PersonRow))).all()}
        for members in (team, everyone):
            by_hand = [0] * 8
            for person, at, _ in rows:
                at = at.replace(tzinfo=UTC) if at.tzinfo is None else at
                if person in members and END - 8 * WEEK <= at < END:
                    by_hand[int((at - (END - 8 * WEEK)) / WEEK)] += 1
            assert await weekly_counts(uow, await team_of(uow, members), END, 8) == by_hand, members

            start = END - WEEK
            teams: dict[tuple[str | None, str], int] = {}
            for person, at, context in rows:
                at = at.replace(tzinfo=UTC) if at.tzinfo is None else at
                if person in members and start <= at < END:
                    key = (bosses[person], context)
                    teams[key] = teams.get(key, 0) + 1
            assert (
                await counts_by_team_and_context(uow, await team_of(uow, members), start, END)
                == teams
            )

        # Everyone's weeks, as the moments above were chosen: edges land where they should.
        assert await weekly_counts(uow, await team_of(uow, everyone), END, 8) == [
            4,
            2,
            0,
            0,
            0,
            0,
            2,
            4,
        ]

        # A team given by a list too long for IN (selected as "everyone but"): same answer.
        crowd = [*team, *(f"nobody{n}" for n in range(LONG_LIST))]
        assert await weekly_counts(uow, await team_of(uow, crowd), END, 8) == await weekly_counts(
            uow, await team_of(uow, team), END, 8
        )
