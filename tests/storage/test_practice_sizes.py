"""Each practice's count of actions is a counter (storage.practice_sizes), kept in the
same transaction wherever an action joins or leaves a practice; it must equal counting
the actions by hand after joins, picks, merges, splits and an erasure, on both
databases. The latest examples read per practice (a LIMITed index read) must be the
practice's newest actions' words, newest first."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, datetime
from decimal import Decimal

from sqlmodel import col, select

from bot.domain.actions import ActionStatus, Approach, CheckedAction, Context
from bot.domain.org import Organisation
from storage.actions import add_action
from storage.database import Database
from storage.people import sync_organisation
from storage.practice_edits import merge_practices, split_action, splittable
from storage.practice_labels import add_label, labels
from storage.practices import assign_practice, create_practice, pick_practice, practices
from storage.privacy import erase_person
from storage.tables import ActionRow
from storage.uow import UnitOfWork

NOW = datetime.fromisoformat("2026-11-20T12:00:00+00:00")
STAFF = ["asha", "tom", "leila", "ben", "chen"]


def _deed(n: int) -> CheckedAction:
    return CheckedAction(
        occurred_on=date(2026, 11, 20),
        customer_need="Heavy shopping",
        offer_item_id="carry-out",
        extra=f"Deed {n}",
        status=ActionStatus.DONE,
        context=Context.BUSY,
        approach=Approach.INITIATIVE,
        customer_aware=True,
        result="",
    )


async def _by_hand(uow: UnitOfWork) -> tuple[dict[int, int], dict[int, list[str]]]:
    """Per practice not merged away: its actions counted, and its words newest first."""
    rows = (
        await uow.session.exec(
            select(ActionRow.practice_id, ActionRow.extra)
            .where(col(ActionRow.practice_id).is_not(None))
            .order_by(col(ActionRow.id).desc())
        )
    ).all()
    words: dict[int, list[str]] = {}
    for practice_id, extra in rows:
        assert practice_id is not None
        words.setdefault(practice_id, []).append(extra)
    return dict(Counter(p for p, _ in rows)), words


async def _agrees(database: Database) -> None:
    async with UnitOfWork(database) as uow:
        counts, words = await _by_hand(uow)
        found = await practices(uow, examples=3)
        assert found, "some practices"
        for view in found:
            assert view.times == counts.get(view.id, 0), view
            assert list(view.examples) == words.get(view.id, [])[:3], view
        assert sum(v.times for v in found) == sum(counts.values())


async def test_counters_equal_a_hand_count_through_every_edit(
    database: Database, org: Organisation
) -> None:
    chance = random.Random(18)
    async with UnitOfWork(database) as uow:
        await sync_organisation(uow, org)
        ids = [await create_practice(uow, f"Practice {n}", "sam", NOW) for n in range(5)]
        actions = []
        for n in range(60):
            person = chance.choice(STAFF)
            action = await add_action(uow, person, _deed(n), cost=Decimal("0"))
            actions.append((action.id, person))
            if n % 3 == 0:
                await assign_practice(uow, action.id, chance.choice(ids))
            elif n % 3 == 1:
                assert await pick_practice(uow, action.id, chance.choice(ids), by=person)
                # A second pick, or someone else's, changes nothing.
                assert not await pick_practice(uow, action.id, ids[0], by=person)
        stranger = next(a for a, p in actions[2::3] if p != "asha")
        assert not await pick_practice(uow, stranger, ids[1], by="asha")
        await assign_practice(uow, actions[0][0], ids[4])  # moved: one leaves, one joins
        await assign_practice(uow, actions[3][0], ids[4])
        await uow.commit()
    await _agrees(database)

    async with UnitOfWork(database) as uow:
        assert (await merge_practices(uow, ids[1], ids[2])).outcome == "done"
        assert (await merge_practices(uow, ids[2], ids[3])).outcome == "done"
        for action_id, *_ in await splittable(uow, 3):
            assert await split_action(uow, action_id, "On its own", "sam", NOW) is not None
        await uow.commit()
    await _agrees(database)

    async with UnitOfWork(database) as uow:
        await erase_person(uow, "asha", ["Asha Patel", "Asha"])
        await uow.commit()
    await _agrees(database)
    async with UnitOfWork(database) as uow:
        merged_away = {v.id for v in await practices(uow)}
        assert ids[1] not in merged_away and ids[2] not in merged_away


async def test_the_threshold_reads_the_latest_answers_oldest_first(
    database: Database, org: Organisation
) -> None:
    async with UnitOfWork(database) as uow:
        await sync_organisation(uow, org)
        practice = await create_practice(uow, "Carry-out", "sam", NOW)
        for n in range(8):
            action = await add_action(uow, "tom", _deed(n), cost=Decimal("0"))
            await add_label(
                uow,
                action.id,
                practice,
                same=n % 2 == 0,
                via="button",
                top_score=n / 10,
                picked_score=None,
                method="m",
                now=NOW,
            )
        await uow.commit()
    async with UnitOfWork(database) as uow:
        assert await labels(uow, "m", latest=3) == [(0.5, False), (0.6, True), (0.7, False)]
        assert len(await labels(uow, "m")) == 8
        assert await labels(uow, "other") == []
