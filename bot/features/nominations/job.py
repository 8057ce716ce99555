"""`nominations`: practices that now meet the organisation's rule go to the managers."""

from __future__ import annotations

from bot.context import Scene
from bot.domain.actions import NominationStatus
from bot.features.nominations.card import tell_managers
from bot.features.nominations.rules import from_counts
from storage.nominations import nominations, save_nomination
from storage.practices import practices, success_counts


async def run(scene: Scene) -> str:
    return f"nominated {await nominate_due(scene)}"


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
