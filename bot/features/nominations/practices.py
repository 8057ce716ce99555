"""After logging: which practice is this? Suggestions of practices like the deed just
saved, and the person's pick, or a new practice (3.5)."""

from __future__ import annotations

from bot.context import Turn
from bot.domain.ids import parse_id
from bot.domain.practice_matching import PracticeText, suggest
from bot.domain.text import shorten
from bot.errors import UserError
from bot.features.nominations.buttons import NominationButton
from bot.messages import Button, Card, Outbound, Refusal, Text
from storage.actions import get_extra
from storage.practices import (
    action_owner,
    assign_practice,
    create_practice,
    pick_practice,
    practice_exists,
    practice_of,
    practices,
)

NOT_YOURS = "That choice is for the person who logged the action."
RECORDED = "That's recorded already. Thank you!"


async def ask_practice(turn: Turn, action_id: int, extra: str) -> list[Outbound]:
    known = await practices(turn.uow)
    texts = [PracticeText(p.id, p.title, p.examples) for p in known]
    found = suggest(extra, texts)
    if not found:
        practice = await create_practice(turn.uow, shorten(extra, 100), turn.person.id, turn.now)
        await assign_practice(turn.uow, action_id, practice)
        return []
    times = {p.id: p.times for p in known}
    buttons = tuple(
        Button(
            shorten(f"{s.title} ({times[int(s.practice_id)]}×)", 75),
            NominationButton.PICK_PRACTICE,
            f"{action_id}:{s.practice_id}",
        )
        for s in found
    )
    return [
        Card(
            title="Is this the same as one of these?",
            text="Others have logged deeds like it. Picking one helps spot what works again and "
            "again; it could become part of our routine offer.",
            buttons=(
                *buttons,
                Button("It's something new", NominationButton.NEW_PRACTICE, str(action_id)),
            ),
        )
    ]


async def pick(turn: Turn, value: str) -> list[Outbound]:
    """The clicker's own action joins a practice (the value names both; anyone can send
    any value, so both are checked)."""
    action_text, _, practice_text = value.partition(":")
    action_id, practice_id = parse_id(action_text), parse_id(practice_text)
    if action_id is None or practice_id is None or not await practice_exists(turn.uow, practice_id):
        return [Refusal("I don't recognise that choice.")]
    if not await pick_practice(turn.uow, action_id, practice_id, by=turn.person.id):
        mine = await action_owner(turn.uow, action_id) == turn.person.id
        return [Refusal(RECORDED if mine else NOT_YOURS)]
    return [Text("Thanks, noted as the same kind of extra mile.")]


async def new(turn: Turn, value: str) -> list[Outbound]:
    action_id = parse_id(value)
    if action_id is None or await action_owner(turn.uow, action_id) != turn.person.id:
        return [Refusal(NOT_YOURS)]
    if await practice_of(turn.uow, action_id) is not None:
        return [Refusal(RECORDED)]
    extra = await get_extra(turn.uow, action_id)
    practice = await create_practice(
        turn.uow, shorten(extra or "A new deed", 100), turn.person.id, turn.now
    )
    if not await pick_practice(turn.uow, action_id, practice, by=turn.person.id):
        raise UserError(RECORDED)  # a second click won meanwhile: roll the new one back
    return [Text("Thanks, noted as a new kind of extra mile.")]
