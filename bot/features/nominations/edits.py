"""A manager's edits of the practices (issue 17), for chat (manage.py) and the command
line (`extramile practices rename|merge|split`): a practice renamed for good, two made
one (their deeds and answers together, an open nomination recounted at once and the
managers' cards updated), one deed split out into a practice of its own. Each is audited."""

from __future__ import annotations

from dataclasses import dataclass

from bot.context import Scene
from bot.domain.actions import NominationStatus
from bot.features.nominations.card import nomination_card, to_managers
from bot.features.nominations.rules import tally
from bot.features.nominations.titles import MAX_TITLE, phrase, title_for
from bot.messages import Card, CardUpdate
from storage.events import audit
from storage.nominations import nominations, save_nomination
from storage.practice_edits import (
    Outcome,
    merge_practices,
    practice_words,
    rename_practice,
    retitle,
    split_action,
    splittable,
)
from storage.practices import evidence, practices


@dataclass(frozen=True, slots=True)
class Edited:
    done: bool
    said: str  # what the manager is told: what changed, or why nothing did


async def rename(scene: Scene, practice: int, title: str, actor: str | None) -> Edited:
    if not title or len(title) > MAX_TITLE:
        return Edited(False, f"A short name, up to {MAX_TITLE} characters.")
    if not await rename_practice(scene.uow, practice, title):
        return Edited(False, "I can't find that practice.")
    await _audit(scene, actor, "practice.renamed", practice, {"title": title})
    return Edited(True, f"Renamed: it's “{title}” now, whatever people write.")


async def merge(scene: Scene, source: int, target: int, actor: str | None) -> Edited:
    """`source` joins `target` (whose name stays, unless worked out from the deeds)."""
    if source == target:
        return Edited(False, "Pick two different practices.")
    titles = {p.id: p.title for p in await practices(scene.uow, examples=0)}
    merged = await merge_practices(scene.uow, source, target)
    if merged.outcome is Outcome.BOTH_ADOPTED:
        return Edited(False, "Both are part of our routine offer already; they stay apart.")
    if merged.outcome is not Outcome.DONE:
        return Edited(False, "I can't find one of those practices (merged meanwhile?).")
    await retitle(scene.uow, target, title_for(await practice_words(scene.uow, target)))
    await _audit(scene, actor, "practice.merged", target, {"from": source})
    said = f"Merged: “{titles[source]}” is now part of “{titles[target]}”."
    if merged.lost is not None:
        await _retire_card(scene, merged.lost, titles[target])
    return Edited(True, f"{said} {await _recount(scene, target)}".strip())


async def split(scene: Scene, action: int, actor: str) -> Edited:
    found = {
        a: (words, title)
        for a, _, _, words, title in await splittable(scene.uow, 1, action_id=action)
    }
    created = None
    if action in found:
        words, old_title = found[action]
        created = await split_action(scene.uow, action, phrase(words), actor, scene.now)
    if created is None:
        return Edited(False, "That deed is not in a practice with others (split already?).")
    await _audit(scene, actor, "practice.split", created, {"action": action})
    return Edited(
        True, f"Split: “{phrase(words)}” is a practice of its own now, apart from “{old_title}”."
    )


async def _recount(scene: Scene, practice: int) -> str:
    """An open nomination of the merged practice counts its deeds together at once, on
    the managers' cards too."""
    open_one = [
        n for n in await nominations(scene.uow, NominationStatus.OPEN) if n.practice_id == practice
    ]
    if not open_one:
        return ""
    seen = tally(await evidence(scene.uow, practice))
    nomination = await save_nomination(
        scene.uow,
        practice,
        successes=seen.successes,
        people=seen.people,
        weeks=seen.weeks,
        now=scene.now,
    )
    card = await nomination_card(scene, nomination)
    update = CardUpdate(card.card_key or "", card)
    await to_managers(
        scene, update, lambda manager: (update.card_key, "merged", scene.now, manager)
    )
    return (
        f"Its nomination now counts {seen.successes} successes, for {seen.people} people, "
        f"over {seen.weeks} weeks."
    )


async def _retire_card(scene: Scene, nomination: int, into: str) -> None:
    """The card of a nomination dropped by a merge says where it went, without buttons."""
    key = f"nomination:{nomination}"
    card = Card(
        title="Nominated for the routine offer: merged",
        text=f"Merged into “{into}”; its nomination carries on there.",
        card_key=key,
    )
    await to_managers(
        scene, CardUpdate(key, card), lambda manager: (key, "merged away", scene.now, manager)
    )


async def _audit(
    scene: Scene, actor: str | None, action: str, practice: int, detail: dict[str, object]
) -> None:
    await audit(
        scene.uow,
        actor_id=actor,
        action=action,
        subject_type="practice",
        subject_id=str(practice),
        detail=detail | ({} if actor else {"via": "cli"}),
    )
