"""A practice's title, and a manager's edits (issue 17): rename, merge two practices (their
actions, answers and nomination go to the one kept), split an action out into a practice
of its own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import or_, update
from sqlmodel import col, select

from bot.domain.actions import NominationStatus
from storage.practice_labels import PracticeLabelRow
from storage.practice_sizes import count_in, move_count, practice_size_table
from storage.tables import ActionRow, NominationRow, PracticeRow
from storage.uow import UnitOfWork

_sizes = practice_size_table.c


class Outcome(StrEnum):
    DONE = "done"
    MISSING = "missing"  # either practice is gone (merged meanwhile), or the same one twice
    BOTH_ADOPTED = "both adopted"  # each is an item of the offer already: not for us


@dataclass(frozen=True, slots=True)
class Merged:
    outcome: Outcome
    lost: int | None = None  # the nomination dropped (both practices had one)


async def practice_words(uow: UnitOfWork, practice_id: int, limit: int = 50) -> list[str]:
    """The latest `limit` actions' words, oldest first: what the title is worked out from."""
    rows = await uow.session.exec(
        select(ActionRow.extra)
        .where(ActionRow.practice_id == practice_id)
        .order_by(col(ActionRow.id).desc())
        .limit(limit)
    )
    return list(reversed(rows.all()))


async def retitle(uow: UnitOfWork, practice_id: int, title: str) -> None:
    """The worked-out title, unless a manager has given the practice their own wording."""
    await uow.session.exec(
        update(PracticeRow)
        .where(col(PracticeRow.id) == practice_id)
        .where(col(PracticeRow.title_locked).is_(False))
        .values(title=title)
    )


async def rename_practice(uow: UnitOfWork, practice_id: int, title: str) -> bool:
    """A manager's wording, kept from now on; False if there is no such practice."""
    result = await uow.session.exec(
        update(PracticeRow)
        .where(col(PracticeRow.id) == practice_id)
        .where(col(PracticeRow.merged_into).is_(None))
        .values(title=title, title_locked=True)
    )
    return result.rowcount == 1


async def merge_practices(uow: UnitOfWork, source: int, target: int) -> Merged:
    """`source` joins `target`: its actions and answers move there, and it is kept as
    merged into `target` (its number is never reused; a button naming it finds `target`:
    storage.practices.current_practice). Of the two nominations the adopted, else the
    open, else the dismissed one (on a tie, `target`'s) is kept, moved to `target`; the
    other's id is `Merged.lost`. The kept nomination's counts are the caller's to bring
    up to date."""
    rows = [await uow.session.get(PracticeRow, p) for p in (source, target)]
    if source == target or any(r is None or r.merged_into is not None for r in rows):
        return Merged(Outcome.MISSING)
    both = {
        n.practice_id: n
        for n in (
            await uow.session.exec(
                select(NominationRow).where(col(NominationRow.practice_id).in_((source, target)))
            )
        ).all()
    }
    if [n.status for n in both.values()].count(NominationStatus.ADOPTED) == 2:
        return Merged(Outcome.BOTH_ADOPTED)
    lost_id = None
    if len(both) == 2:
        rank = [NominationStatus.ADOPTED, NominationStatus.OPEN, NominationStatus.DISMISSED]
        kept, lost = sorted(
            both.values(),  # on a tie, the target's
            key=lambda n: (rank.index(NominationStatus(n.status)), n.practice_id != target),
        )
        lost_id = lost.id
        await uow.session.delete(lost)
        await uow.session.flush()
        both = {kept.practice_id: kept}
    for nomination in both.values():
        nomination.practice_id = target
        uow.session.add(nomination)
    for table in (ActionRow, PracticeLabelRow):
        await uow.session.exec(
            update(table).where(col(table.practice_id) == source).values(practice_id=target)
        )
    await move_count(uow, source, target)
    await uow.session.exec(
        update(PracticeRow)
        .where(or_(col(PracticeRow.id) == source, col(PracticeRow.merged_into) == source))
        .values(merged_into=target)
    )
    return Merged(Outcome.DONE, lost_id)


async def split_action(
    uow: UnitOfWork, action_id: int, title: str, by: str, now: datetime
) -> int | None:
    """The action leaves its practice for a new one of its own (titled `title`); None if
    the action is in no practice, or is its practice's only action."""
    action = await uow.session.get(ActionRow, action_id)
    if action is None or action.practice_id is None:
        return None
    others = await uow.session.exec(
        select(ActionRow.id)
        .where(ActionRow.practice_id == action.practice_id)
        .where(col(ActionRow.id) != action_id)
        .limit(1)
    )
    if others.first() is None:
        return None
    practice = PracticeRow(title=title, created_by=by, created_at=now)
    uow.session.add(practice)
    await uow.session.flush()
    assert practice.id is not None
    left = action.practice_id
    action.practice_id = practice.id
    uow.session.add(action)
    await uow.session.flush()
    await count_in(uow, left, -1)
    await count_in(uow, practice.id, 1)
    return practice.id


async def splittable(
    uow: UnitOfWork, limit: int = 100, *, action_id: int | None = None
) -> list[tuple[int, str, date, str, str]]:
    """The latest `limit` actions in a practice that has others too (one could leave it):
    (action id, person, day, words, the practice's title), newest first; with
    `action_id`, that one only, if it could."""
    crowded = select(_sizes.practice_id).where(_sizes.actions > 1)
    query = (
        select(ActionRow, PracticeRow.title)
        .join(PracticeRow, col(PracticeRow.id) == ActionRow.practice_id)
        .where(col(ActionRow.practice_id).in_(crowded))
    )
    if action_id is not None:
        query = query.where(col(ActionRow.id) == action_id)
    rows = await uow.session.exec(query.order_by(col(ActionRow.id).desc()).limit(limit))
    return [(a.id or 0, a.person_id, a.occurred_on, a.extra, title) for a, title in rows.all()]
