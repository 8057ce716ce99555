"""`nominations`: practices that now meet the organisation's rule go to the managers;
and the practice questions lost after a save (`ask_missed`) are asked."""

from __future__ import annotations

import logging
from datetime import timedelta

from bot.clock import FixedClock, local_today
from bot.context import Scene, Turn
from bot.domain.actions import NominationStatus
from bot.features.nominations.card import tell_managers
from bot.features.nominations.practices import ask_marked
from bot.features.nominations.rules import from_counts
from bot.messages import Card, Replies
from storage.action_vectors import embedded
from storage.nominations import nominations, save_nomination
from storage.practice_questions import Unasked, postpone, take_unasked, unasked
from storage.practices import practices, success_counts

log = logging.getLogger(__name__)

# A deed's own question is queued seconds after its save: one marked for longer was lost.
GRACE = timedelta(minutes=2)
AT_ONCE = 20  # lost questions asked in one run (each works out an embedding)
TRIES = 3  # failed attempts at one deed's question before it is given up (logged)


async def run(scene: Scene) -> str:
    report = f"nominated {await nominate_due(scene)}"
    asked = await ask_missed(scene)
    return f"{report}; asked {asked} lost practice questions" if asked else report


async def run_lost(scene: Scene) -> str:
    """The lost practice questions alone: the scheduler's quarter-hourly sweep
    (`practice-questions`), besides the nominations' nightly run."""
    return f"asked {await ask_missed(scene)}"


async def ask_missed(scene: Scene, *, limit: int = AT_ONCE, grace: timedelta = GRACE) -> int:
    """Ask the practice question of each deed saved at least `grace` ago whose question
    was never queued (the process died after the save: its mark is still there), the
    oldest `limit` of them; returns how many were asked. Each is worked out with no
    transaction open, then asked in a transaction that takes its mark first, so a deed
    is asked once, by this or by its own turn, whichever takes the mark."""
    asked = 0
    for deed in await unasked(scene.uow, before=scene.now - grace, limit=limit):
        async with scene.uow.released():  # commits the deeds before this one
            vector = await _embedded(deed.extra)
        try:
            asked += await _ask_one(scene, deed, vector)
        except Exception:  # the others go on; this one is tried again later, a few times
            log.exception("asking the practice question of action %s failed", deed.action_id)
            await scene.uow.rollback()
            await _failed(scene, deed.action_id)
    return asked


async def _failed(scene: Scene, action_id: int) -> None:
    """A failed attempt: the mark goes behind the others (a deed that always fails must
    not keep the oldest places of every run), and after TRIES attempts it is dropped."""
    attempts = await postpone(scene.uow, action_id, scene.now)
    if attempts is not None and attempts >= TRIES:
        await take_unasked(scene.uow, action_id)
        log.error(
            "gave up asking the practice question of action %s after %d attempts",
            action_id,
            attempts,
        )
    await scene.uow.commit()  # kept, whatever the next deed's attempt does


async def _ask_one(scene: Scene, deed: Unasked, vector: bytes | None) -> int:
    person = scene.org.person(deed.person_id)
    if person is None:  # left, or erased (their deeds are a pseudonym's): nobody to ask
        await take_unasked(scene.uow, deed.action_id)
        return 0
    turn = Turn(  # as the person's own turn would be (bot.engine.Engine._turn)
        person=person,
        org=scene.org,
        uow=scene.uow,
        now=scene.now,
        # The person's zone, else the organisation's, as Engine._turn (not schedules'
        # timezone_of: that module loads the holidays package, 4 MB, at every start).
        today=local_today(
            FixedClock(scene.now), person.timezone or scene.org.organisation.timezone
        ),
    )
    question = await ask_marked(turn, action_id=deed.action_id, extra=deed.extra, vector=vector)
    if not question:  # asked meanwhile, placed meanwhile, or the very first deed
        return 0
    # Wherever they can be reached now; keyed by the deed, so it is queued once at most.
    cards = tuple(reply for reply in question if isinstance(reply, Card))
    await scene.notify.person(person.id, Replies(cards), "practice-question", deed.action_id)
    return 1


async def _embedded(extra: str) -> bytes | None:
    """The deed's vector; without one (the model failed) it is ranked by its words."""
    try:
        return await embedded(extra)
    except Exception:
        log.warning("no embedding for a lost practice question; ranked by words", exc_info=True)
        return None


async def nominate_due(scene: Scene) -> int:
    """Nominate every practice that now meets the rule; returns how many were new."""
    rule = scene.org.nomination
    created = 0
    counts = await success_counts(scene.uow)
    current_of = {n.practice_id: n for n in await nominations(scene.uow)}
    for practice in await practices(scene.uow, examples=0):
        current = current_of.get(practice.id)
        seen = from_counts(counts.get(practice.id))
        if current is not None and current.status == NominationStatus.ADOPTED:
            continue
        if current is not None and current.status == NominationStatus.DISMISSED:
            # Dismissed ones come back only once their successes have doubled.
            if seen.successes < 2 * max(current.successes, 1):
                continue
        elif current is not None:  # open: keep its evidence current
            await save_nomination(
                scene.uow,
                practice.id,
                successes=seen.successes,
                people=seen.people,
                weeks=seen.weeks,
                now=scene.now,
            )
            continue
        if not seen.meets(rule):
            continue
        nomination_id = await save_nomination(
            scene.uow,
            practice.id,
            successes=seen.successes,
            people=seen.people,
            weeks=seen.weeks,
            now=scene.now,
        )
        await tell_managers(scene, nomination_id)
        created += 1
    return created
