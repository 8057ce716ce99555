"""Practices picked after logging, nominations for the routine offer, and a manager's
Adopt or Dismiss (3.5, K7, K9)."""

from __future__ import annotations

from dataclasses import replace
from typing import Literal

from bot.context import Scene, Turn
from bot.domain.actions import NominationStatus
from bot.domain.ids import parse_id
from bot.domain.names import person_name
from bot.domain.org import Role
from bot.domain.practice_matching import PracticeText, suggest
from bot.domain.records import NominationView
from bot.domain.text import clean, shorten
from bot.errors import UserError
from bot.features.general.flow import Menu
from bot.features.nominations.rules import from_counts, tally
from bot.messages import (
    Button,
    ButtonStyle,
    Card,
    CardField,
    CardUpdate,
    Choice,
    FieldKind,
    Form,
    FormField,
    Outbound,
    Refusal,
    Text,
)
from bot.routes import ActionId, FormId, RouteTable, form_about
from storage.actions import get_extra, recent_actions
from storage.events import audit
from storage.nominations import (
    adopt_into_offer,
    decide_nomination,
    get_nomination,
    nominations,
    save_nomination,
    suggest_nomination,
)
from storage.practices import (
    action_owner,
    assign_practice,
    create_practice,
    evidence,
    has_actions_in,
    pick_practice,
    practice_exists,
    practice_of,
    practice_summary,
    practices,
    success_counts,
)

ADOPT_FORM = "nomination-adopt"
DISMISS_FORM = "nomination-dismiss"
SUGGEST_FORM = "practice-suggest"


class NominationButton(ActionId):
    PICK_PRACTICE = "practice.pick"  # value: "<action id>:<practice id>"
    NEW_PRACTICE = "practice.new"  # value: the action's id
    ADOPT = "nomination.adopt"  # value: the nomination's id
    DISMISS = "nomination.dismiss"


# --- after logging: which practice is this? ---------------------------------------------------


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


NOT_YOURS = "That choice is for the person who logged the action."
RECORDED = "That's recorded already. Thank you!"


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


# --- the rule, run as a job ----------------------------------------------------------------------


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
        await _tell_managers(scene, nomination_id)
        created += 1
    return created


async def _tell_managers(scene: Scene, nomination_id: int) -> None:
    card = await nomination_card(scene, nomination_id)
    for manager in (p for p in scene.org.people if p.role is Role.MANAGER):
        await scene.notify.person(manager.id, card, card.card_key, manager.id, f"{scene.now:%Y%W}")


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
        text = "Should this join our routine service offer (K7)?"
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


# --- Adopt or Dismiss ----------------------------------------------------------------------------

ONLY_MANAGERS = "Only a manager can change the routine offer."


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


async def submit(turn: Turn, submitted: FormId, values: dict[str, str]) -> list[Outbound]:
    kind, value = submitted.name, submitted.param
    if kind == SUGGEST_FORM:
        return await _suggested(turn, values)
    if turn.person.role is not Role.MANAGER or parse_id(value) is None:
        return [Refusal(ONLY_MANAGERS)]
    text = clean(values.get("wording" if kind == ADOPT_FORM else "reason", ""))
    if not text:
        name = "wording" if kind == ADOPT_FORM else "reason"
        form = await start(turn, "adopt" if kind == ADOPT_FORM else "dismiss", value)
        return [
            replace(f, errors={name: "A few words, please."}) if isinstance(f, Form) else f
            for f in form
        ]
    status: Literal[NominationStatus.ADOPTED, NominationStatus.DISMISSED] = (
        NominationStatus.ADOPTED if kind == ADOPT_FORM else NominationStatus.DISMISSED
    )
    nomination_id = int(value)  # checked by parse_id above
    if not await decide_nomination(
        turn.uow,
        nomination_id,
        status=status,
        by=turn.person.id,
        reason=None if status == NominationStatus.ADOPTED else text,
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
    if status == NominationStatus.ADOPTED:
        await adopt_into_offer(turn.uow, nomination_id, text, turn.now)
        await _thank(turn, nomination.practice_id, text)
    card = await nomination_card(turn, nomination_id)
    update = CardUpdate(nomination.card_key, card)
    for manager in (p for p in turn.org.people if p.role is Role.MANAGER):
        await turn.notify.person(manager.id, update, nomination.card_key, status, manager.id)
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


# --- a person suggests a practice themselves (3.5) --------------------------------------------


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


async def _suggested(turn: Turn, values: dict[str, str]) -> list[Outbound]:
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
    await _tell_managers(turn, nomination.id)
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


# --- routes -------------------------------------------------------------------------------------


def register(routes: RouteTable) -> None:
    routes.click(NominationButton.PICK_PRACTICE, pick)
    routes.click(NominationButton.NEW_PRACTICE, new)
    routes.click(NominationButton.ADOPT, lambda turn, value: start(turn, "adopt", value))
    routes.click(NominationButton.DISMISS, lambda turn, value: start(turn, "dismiss", value))
    # All three are found by their name, whatever follows a colon.
    for name in (ADOPT_FORM, DISMISS_FORM, SUGGEST_FORM):
        routes.form(name, submit, with_param=True)
    routes.command("nominations", handler=lambda turn, _: show(turn))
    routes.command("suggest", handler=lambda turn, _: start_suggestion(turn))
