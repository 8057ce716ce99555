"""The nightly nomination check counts in SQL (storage.practices.success_counts); the
rule's own definition is bot.features.nominations.rules.tally over each action. They must agree, on
both databases, including weeks that cross a year (ISO week 53 of 2026)."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from decimal import Decimal

from bot.domain.actions import ActionStatus, Approach, CheckedAction, Context
from bot.domain.org import Organisation
from bot.features.nominations.rules import from_counts, tally
from storage.actions import add_action
from storage.database import Database
from storage.people import sync_organisation
from storage.practices import (
    assign_practice,
    create_practice,
    evidence,
    practice_summary,
    practices,
    success_counts,
)
from storage.tables import ActionRow, CustomerFeedbackRow
from storage.uow import UnitOfWork

NOW = datetime.fromisoformat("2027-01-20T12:00:00+00:00")
STAFF = ["asha", "tom", "leila", "ben", "chen"]


async def test_sql_counts_agree_with_the_rule_on_every_practice(
    database: Database, org: Organisation
) -> None:
    chance = random.Random(7)
    async with UnitOfWork(database) as uow:
        await sync_organisation(uow, org)
        ids = [await create_practice(uow, f"Practice {n}", "sam", NOW) for n in range(6)]
        first_day = date(2026, 12, 14)  # four weeks either side of the new year
        for n in range(240):
            action = await add_action(
                uow,
                chance.choice(STAFF),
                CheckedAction(
                    occurred_on=first_day + timedelta(days=chance.randrange(56)),
                    customer_need="Heavy shopping",
                    offer_item_id="carry-out",
                    extra=f"Deed {n}",
                    status=chance.choice(list(ActionStatus)),
                    context=Context.BUSY,
                    approach=Approach.INITIATIVE,
                    customer_aware=chance.choice([True, False, None]),
                    result="",
                ),
                cost=Decimal("0"),
            )
            await assign_practice(uow, action.id, chance.choice(ids))
            row = await uow.session.get(ActionRow, action.id)
            assert row is not None
            row.customer_noticed = chance.choice([True, False, None])
            row.affected_others = chance.choice([None, "no", "a_little", "yes"])
            uow.session.add(row)
            if chance.random() < 0.3:
                uow.session.add(
                    CustomerFeedbackRow(
                        action_id=action.id,
                        person_id=row.person_id,
                        recorded_by=row.person_id,
                        channel="in_person",
                        sentiment=chance.choice(["positive", "mixed", "negative"]),
                        words=chance.choice([None, "", "Lovely"]),
                        created_at=NOW,
                    )
                )
        await uow.commit()

    async with UnitOfWork(database) as uow:
        counted = await success_counts(uow)
        for practice_id in ids:
            by_rule = tally(await evidence(uow, practice_id))
            assert from_counts(counted.get(practice_id)) == by_rule, practice_id
            # ... and the nomination card's summary agrees with the actions too.
            actions = await evidence(uow, practice_id)
            summary = await practice_summary(uow, practice_id)
            assert summary.people_count == len({a.person_id for a in actions})
            assert set(summary.people) <= {a.person_id for a in actions}
            assert len(summary.people) == min(8, summary.people_count)
            assert summary.affected == sum(
                a.affected_others in ("a_little", "yes") for a in actions
            )
            assert set(summary.quotes) <= {w for a in actions for w in a.positive_words if w}
        assert sum(c.successes for c in counted.values()) > 20  # the data had some to count
        # The suggestion list reads only the latest five of each, and the right sizes.
        views = await practices(uow)
        assert sum(v.times for v in views) == 240
        assert all(len(v.examples) == 5 for v in views)
        latest = max(int(e.split()[-1]) for v in views for e in v.examples)
        assert latest == 239
