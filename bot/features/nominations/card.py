"""The nomination card the managers see (K7, K9): the evidence, who did it, what
customers said, and Adopt or Dismiss while it is open; and the `nominations` command."""

from __future__ import annotations

from collections.abc import Callable

from bot.context import Scene, Turn
from bot.domain.actions import NominationStatus
from bot.domain.names import person_name
from bot.domain.org import Role
from bot.domain.text import shorten
from bot.features.nominations.buttons import NominationButton
from bot.messages import Button, ButtonStyle, Card, CardField, Outbound, Text
from storage.nominations import get_nomination, nominations
from storage.practices import practice_summary


async def tell_managers(scene: Scene, nomination_id: int) -> None:
    card = await nomination_card(scene, nomination_id)
    week = f"{scene.now:%Y%W}"
    await to_managers(scene, card, lambda manager: (card.card_key, manager, week))


async def to_managers(
    scene: Scene, message: Outbound, key: Callable[[str], tuple[object, ...]]
) -> None:
    """`message` to every manager, each under the outbox key `key(manager_id)`: the caller
    gives the key's parts in its own order, kept as they were (a key is what stops a
    message queued before from going again, so changing one could send it twice)."""
    for manager in (p for p in scene.org.people if p.role is Role.MANAGER):
        await scene.notify.person(manager.id, message, *key(manager.id))


async def nomination_card(scene: Scene, nomination_id: int) -> Card:
    nomination = await get_nomination(scene.uow, nomination_id)
    assert nomination is not None
    summary = await practice_summary(scene.uow, nomination.practice_id)
    people = ", ".join(person_name(scene.org, p) for p in summary.people)
    if summary.people_count > len(summary.people):
        people += f" and {summary.people_count - len(summary.people)} more"
    quotes = [f"“{shorten(w, 100)}”" for w in summary.quotes]
    affected = summary.affected
    fields = [
        CardField(
            "Worked",
            f"{nomination.successes} times, for {nomination.people} people, "
            f"over {nomination.weeks} weeks",
        ),
        CardField("By", people),
        CardField("Customers said", "\n".join(quotes) or "-"),
        CardField(
            "Effect on other customers", f"felt {affected} time(s)" if affected else "none reported"
        ),
    ]
    if nomination.suggested_by:
        fields.append(
            CardField(
                f"Suggested by {person_name(scene.org, nomination.suggested_by)}",
                nomination.suggestion or "-",
            )
        )
    value = str(nomination.id)
    buttons: tuple[Button, ...] = ()
    if nomination.status == NominationStatus.OPEN:
        text = "Should this join our routine service offer?"
        buttons = (
            Button("Adopt", NominationButton.ADOPT, value, ButtonStyle.PRIMARY),
            Button("Dismiss", NominationButton.DISMISS, value, ButtonStyle.DANGER),
        )
    else:
        who = person_name(scene.org, nomination.decided_by or "")
        why = f": {nomination.reason}" if nomination.reason else ""
        adopted = nomination.status == NominationStatus.ADOPTED
        text = f"{'✅ Adopted' if adopted else '❌ Dismissed'} by {who}{why}"
    return Card(
        title=f"Nominated for the routine offer: {nomination.title}",
        text=text,
        fields=tuple(fields),
        buttons=buttons,
        card_key=nomination.card_key,
    )


async def show(turn: Turn) -> list[Outbound]:
    if turn.person.role is not Role.MANAGER:
        return [Text("Nominations are decided by managers.")]
    waiting = await nominations(turn.uow, NominationStatus.OPEN)
    if not waiting:
        return [Text("No nominations are waiting. 🎉")]
    return [await nomination_card(turn, n.id) for n in waiting[:10]]
