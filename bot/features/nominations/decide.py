"""A manager's Adopt or Dismiss of a nomination: the form asking the offer's wording or
the reason, and the decision, told to every manager and, once adopted, to the staff
whose deeds it came from (K7, K9)."""

from __future__ import annotations

from dataclasses import replace
from typing import Literal

from bot.context import Turn
from bot.domain.actions import NominationStatus
from bot.domain.ids import parse_id
from bot.domain.org import Role
from bot.domain.records import NominationView
from bot.domain.text import clean
from bot.features.general.flow import Menu
from bot.features.nominations.card import nomination_card, to_managers
from bot.messages import (
    Button,
    Card,
    CardUpdate,
    FieldKind,
    Form,
    FormField,
    Outbound,
    Refusal,
    Text,
)
from bot.routes import FormId, form_about
from storage.events import audit
from storage.nominations import adopt_into_offer, decide_nomination, get_nomination
from storage.practices import evidence

ADOPT_FORM = "nomination-adopt"
DISMISS_FORM = "nomination-dismiss"
ONLY_MANAGERS = "Only a manager can change the routine offer."

Decision = Literal[NominationStatus.ADOPTED, NominationStatus.DISMISSED]


async def start(turn: Turn, action: str, value: str) -> list[Outbound]:
    if turn.person.role is not Role.MANAGER:
        return [Refusal(ONLY_MANAGERS)]
    number = parse_id(value)
    nomination = await get_nomination(turn.uow, number) if number is not None else None
    if nomination is None:
        return [Refusal("I can't find that nomination.")]
    if nomination.status != NominationStatus.OPEN:
        return [
            CardUpdate(nomination.card_key, await nomination_card(turn, nomination.id)),
            Text(f"That was {nomination.status} already."),
        ]
    if action == "adopt":
        field = FormField(
            "wording",
            "How should it read in our offer?",
            FieldKind.LONG_TEXT,
            value=nomination.title,
            max_length=150,
        )
        return [Form(form_about(ADOPT_FORM, value), "Adopt into the offer", (field,), "Adopt")]
    field = FormField(
        "reason", "Why not? (the staff will see it)", FieldKind.LONG_TEXT, max_length=500
    )
    return [Form(form_about(DISMISS_FORM, value), "Dismiss the nomination", (field,), "Dismiss")]


async def submit_adoption(turn: Turn, submitted: FormId, values: dict[str, str]) -> list[Outbound]:
    return await _decide(turn, submitted.param, values, NominationStatus.ADOPTED)


async def submit_dismissal(turn: Turn, submitted: FormId, values: dict[str, str]) -> list[Outbound]:
    return await _decide(turn, submitted.param, values, NominationStatus.DISMISSED)


async def _decide(
    turn: Turn, value: str, values: dict[str, str], status: Decision
) -> list[Outbound]:
    adopted = status == NominationStatus.ADOPTED
    name = "wording" if adopted else "reason"
    if turn.person.role is not Role.MANAGER or parse_id(value) is None:
        return [Refusal(ONLY_MANAGERS)]
    text = clean(values.get(name, ""))
    if not text:
        form = await start(turn, "adopt" if adopted else "dismiss", value)
        return [
            replace(f, errors={name: "A few words, please."}) if isinstance(f, Form) else f
            for f in form
        ]
    nomination_id = int(value)  # checked by parse_id above
    if not await decide_nomination(
        turn.uow,
        nomination_id,
        status=status,
        by=turn.person.id,
        reason=None if adopted else text,
        now=turn.now,
    ):
        latest = await nomination_card(turn, nomination_id)
        return [CardUpdate(latest.card_key or "", latest), Text("Someone decided it already.")]
    await audit(
        turn.uow,
        actor_id=turn.person.id,
        action=f"nomination.{status}",
        subject_type="nomination",
        subject_id=value,
    )
    nomination = await get_nomination(turn.uow, nomination_id)
    assert nomination is not None
    if adopted:
        await adopt_into_offer(turn.uow, nomination_id, text, turn.now)
        await _thank(turn, nomination.practice_id, text)
    return await _announce(turn, nomination, status, text)


async def _announce(
    turn: Turn, nomination: NominationView, status: Decision, text: str
) -> list[Outbound]:
    """The decided card, to every manager; and what was decided, to the decider."""
    card = await nomination_card(turn, nomination.id)
    update = CardUpdate(nomination.card_key, card)
    await to_managers(turn, update, lambda manager: (nomination.card_key, status, manager))
    said = (
        f"Adopted: “{text}” is now part of our routine offer."
        if status == NominationStatus.ADOPTED
        else "Dismissed. It won't come back unless its successes double."
    )
    return [update, Text(said)]


async def _thank(turn: Turn, practice_id: int, wording: str) -> None:
    people = sorted({a.person_id for a in await evidence(turn.uow, practice_id)})
    card = Card(
        title="Your extra mile is now part of our routine offer 🎉",
        text=f"“{wording}”\nThank you: it worked so often that every customer will get it now.",
        buttons=(Button("Service offer", Menu.OFFER),),
    )
    for person in people:
        await turn.notify.person(person, card, "adopted", practice_id, person)
