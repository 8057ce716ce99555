"""A person suggests one of their own practices for the routine offer (3.5)."""

from __future__ import annotations

from dataclasses import replace

from bot.context import Turn
from bot.domain.actions import NominationStatus
from bot.domain.ids import parse_id
from bot.domain.names import person_name
from bot.domain.records import NominationView
from bot.domain.text import clean, shorten
from bot.features.nominations.card import tell_managers
from bot.features.nominations.rules import tally
from bot.messages import Choice, FieldKind, Form, FormField, Outbound, Refusal, Text
from bot.routes import FormId
from storage.actions import recent_actions
from storage.nominations import suggest_nomination
from storage.practices import evidence, has_actions_in, practice_of, practices

SUGGEST_FORM = "practice-suggest"


async def start_suggestion(turn: Turn) -> list[Outbound]:
    mine = [a for a in await recent_actions(turn.uow, turn.person.id, limit=30)]
    known = {p.id: p for p in await practices(turn.uow)}
    ids = {await practice_of(turn.uow, a.id) for a in mine} - {None}
    options = tuple(Choice(str(i), shorten(known[i].title, 70)) for i in ids if i in known)
    if not options:
        return [Text("Log the action first; then you can suggest it for our routine offer.")]
    return [
        Form(
            SUGGEST_FORM,
            "Suggest for our offer",
            (
                FormField("practice", "Which of your deeds?", FieldKind.CHOICE, options=options),
                FormField(
                    "reason",
                    "Why should every customer get it?",
                    FieldKind.LONG_TEXT,
                    max_length=500,
                ),
            ),
            "Suggest",
        )
    ]


async def submit_suggestion(turn: Turn, _: FormId, values: dict[str, str]) -> list[Outbound]:
    practice = values.get("practice", "")
    reason = clean(values.get("reason", ""))
    practice_id = parse_id(practice)
    if practice_id is None or not reason:
        form = await start_suggestion(turn)
        return [
            replace(f, errors={"reason": "Say why, in a few words."}) if isinstance(f, Form) else f
            for f in form
        ]
    if not await has_actions_in(turn.uow, turn.person.id, practice_id):
        return [Refusal("You can suggest only a deed you have logged yourself.")]
    seen = tally(await evidence(turn.uow, practice_id))
    nomination = await suggest_nomination(
        turn.uow,
        practice_id,
        successes=seen.successes,
        people=seen.people,
        weeks=seen.weeks,
        now=turn.now,
        suggested_by=turn.person.id,
        suggestion=reason,
    )
    if nomination.status != NominationStatus.OPEN:
        return [Text(_decided_already(turn, nomination))]
    await tell_managers(turn, nomination.id)
    return [Text("Thank you! Your suggestion has gone to the managers.")]


def _decided_already(turn: Turn, nomination: NominationView) -> str:
    """A suggestion for a practice the managers have decided on: what they decided."""
    who = person_name(turn.org, nomination.decided_by or "")
    if nomination.status == NominationStatus.ADOPTED:
        return (
            f"Good news: that's already part of our routine offer ({who} adopted it). "
            "Thank you for suggesting it!"
        )
    why = f": “{nomination.reason}”" if nomination.reason else "."
    return (
        f"{who} decided not to add it to our offer{why} It comes up again by itself "
        "if it keeps working (once its successes double)."
    )
