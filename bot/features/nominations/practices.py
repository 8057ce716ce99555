"""After logging: which practice is this? (3.5, issue 17) The person always chooses: up to
three likely practices as buttons, "Another practice…" (a select of all the
organisation's practices, the likeliest first), or "It's something new". Only the very
first deed starts a practice without asking (there is nothing to choose from).

The pick counts, and teaches: each answer is stored with the best score the ranking gave
(a pick a positive label, "It's something new" a negative), and the threshold for showing
buttons is re-fitted from them (bot.domain.practice_threshold.fit_threshold)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from bot.context import InTransaction, Turn
from bot.domain.ids import parse_id
from bot.domain.practice_matching import THRESHOLDS, PracticeText, method_in_use, rank
from bot.domain.practice_threshold import fit_threshold
from bot.domain.text import shorten
from bot.errors import UserError
from bot.features.nominations.buttons import NominationButton
from bot.features.nominations.titles import MAX_TITLE, phrase, title_for
from bot.messages import (
    MAX_CHOICES,
    Button,
    Card,
    Choice,
    FieldKind,
    Form,
    FormField,
    Outbound,
    Refusal,
    Text,
)
from bot.routes import OPEN_FORM, FormId, form_about
from storage.action_vectors import LATEST, embedded, remember_text, remember_vector
from storage.actions import get_extra
from storage.practice_edits import practice_words, retitle
from storage.practice_labels import add_label, labels
from storage.practice_questions import deed_now, mark_unasked, take_unasked
from storage.practices import (
    action_owner,
    assign_practice,
    create_practice,
    current_practice,
    pick_practice,
    practice_of,
)
from storage.practices_to_rank import practices_to_rank

CHOOSE_FORM = "practice-choose"
ANOTHER = "Another practice…"
SOMETHING_NEW = "It's something new"
NEW_CHOICE = "new"  # the select's own "none of these"
NOT_YOURS = "That choice is for the person who logged the action."
RECORDED = "That's recorded already. Thank you!"
UNKNOWN = "I don't recognise that choice."
BUTTONS = 3
WHY = (
    "Picking one helps spot what works again and again; it could become part of our routine offer."
)


@dataclass(frozen=True, slots=True)
class Ranked:
    practice_id: int
    title: str
    score: float


def button_title(title: str) -> str:
    """A practice's title as people see it: short, never cut off mid-way."""
    return title if len(title) <= MAX_TITLE else phrase(title)


async def ranked(turn: Turn, action_id: int, extra: str) -> list[Ranked]:
    """Every practice, the likeliest first, with its score. The action's embedding is
    worked out and stored once (the first time it is ranked: when it is saved)."""
    return await _ranking(turn, extra, await remember_text(turn.uow, action_id, extra))


async def _ranking(turn: Turn, extra: str, vector: bytes | None) -> list[Ranked]:
    """Every practice for a deed with these words and this stored vector: one read.
    Without a vector (no embedding model) the ranking reads no practice's vectors."""
    known, vectors = await practices_to_rank(turn.uow, vectors=LATEST if vector else 0)
    if not known:
        return []
    texts = [PracticeText(p.id, p.title, p.examples, vectors.get(p.id, ())) for p in known]
    return [
        Ranked(int(s.practice_id), button_title(s.title), s.score)
        for s in rank(extra, texts, vector=vector)
    ]


async def threshold(turn: Turn) -> float:
    """The score from which a practice is a button, fitted from people's answers under
    the method in use (the shipped one until there are enough)."""
    method = method_in_use()
    return fit_threshold(await labels(turn.uow, method), THRESHOLDS[method])


def ask_practice(turn: Turn, action_id: int, extra: str) -> None:
    """Once the action is saved and its answer given: its vector is worked out (with no
    transaction open) and stored, the practices are ranked against it, and the person is
    asked which it belongs to (bot.context.Turn.after_answer). The deed is marked unasked
    with the save, so that a question lost on the way (the process died) is asked later
    (bot.features.nominations.job.ask_missed)."""
    mark_unasked(turn.uow, action_id, turn.now)

    async def embed_first() -> InTransaction:
        vector = await embedded(extra)
        return partial(ask_marked, action_id=action_id, extra=extra, vector=vector)

    turn.after_answer(embed_first)


async def ask_marked(
    turn: Turn, *, action_id: int, extra: str, vector: bytes | None
) -> list[Outbound]:
    """The question, asked by the transaction that takes the deed's unasked mark: the
    deed's own turn after its save, or the recovery (job.ask_missed). Taking it is the
    first statement, so if both try at once the second waits for the first and finds it
    gone: nothing is asked twice. Nothing either if the deed is in a practice already.

    `extra` and `vector` were read and worked out with no transaction open: the deed's
    owner and words are read again here, after the mark. A deed no longer the person's
    (erased meanwhile: re-keyed to a pseudonym) is not asked; one whose words changed
    (an erasure scrubbed them, an edit) is ranked by its words now, and the vector of
    the old ones is not stored (storage.action_vectors.backfill_batch does the same)."""
    if not await take_unasked(turn.uow, action_id):
        return []
    deed = await deed_now(turn.uow, action_id)
    if deed is None or deed[0] != turn.person.id:
        return []
    if await practice_of(turn.uow, action_id) is not None:
        return []
    words = deed[1]
    if words != extra:
        extra, vector = words, None
    return await _ask(turn, action_id=action_id, extra=extra, vector=vector)


async def _ask(turn: Turn, *, action_id: int, extra: str, vector: bytes | None) -> list[Outbound]:
    if vector is not None:
        await remember_vector(turn.uow, action_id, vector)
    found = await _ranking(turn, extra, vector)
    if not found:  # the very first deed: nothing to choose from
        practice = await create_practice(turn.uow, phrase(extra), turn.person.id, turn.now)
        await assign_practice(turn.uow, action_id, practice)
        return []
    floor = await threshold(turn)
    likely = [r for r in found[:BUTTONS] if r.score >= floor]
    buttons = tuple(
        Button(r.title, NominationButton.PICK_PRACTICE, f"{action_id}:{r.practice_id}")
        for r in likely
    )
    return [
        Card(
            title="Is this the same as one of these?" if likely else "Has anyone done this before?",
            text=(
                f"Others have logged deeds like it. {WHY}"
                if likely
                else f"Pick the practice it belongs to, or tell me it's new. {WHY}"
            ),
            buttons=(
                *buttons,
                Button(ANOTHER, OPEN_FORM, form_about(CHOOSE_FORM, action_id)),
                Button(SOMETHING_NEW, NominationButton.NEW_PRACTICE, str(action_id)),
            ),
        )
    ]


async def _unplaced(turn: Turn, action_id: int | None) -> tuple[str, list[Ranked]] | Refusal:
    """The clicker's own action, not yet in a practice: its words and the ranking now."""
    if action_id is None:
        return Refusal(UNKNOWN)
    if await action_owner(turn.uow, action_id) != turn.person.id:
        return Refusal(NOT_YOURS)
    if await practice_of(turn.uow, action_id) is not None:
        return Refusal(RECORDED)
    extra = await get_extra(turn.uow, action_id) or ""
    return extra, await ranked(turn, action_id, extra)


async def pick(turn: Turn, value: str) -> list[Outbound]:
    """A likely practice's button (the value names the action and the practice; anyone can
    send any value, so both are checked)."""
    action_id, practice_id = (parse_id(part) for part in value.partition(":")[::2])
    return await _join(turn, action_id, practice_id, "button")


async def new(turn: Turn, value: str) -> list[Outbound]:
    return await _start_new(turn, parse_id(value))


async def open_choice(turn: Turn, form: FormId) -> list[Outbound]:
    """ "Another practice…": every practice in a select, the likeliest first."""
    action_id = parse_id(form.param)
    found = await _unplaced(turn, action_id)
    if isinstance(found, Refusal):
        return [found]
    extra, ranked = found
    options = (  # the likeliest, and "none of these"
        *(Choice(str(r.practice_id), r.title) for r in ranked[: MAX_CHOICES - 1]),
        Choice(NEW_CHOICE, "None of these: it's something new"),
    )
    return [
        Form(
            form_about(CHOOSE_FORM, form.param),
            "Which practice?",
            (
                FormField(
                    "practice", "The practice it belongs to", FieldKind.CHOICE, options=options
                ),
            ),
            "Choose",
            intro=f"Your deed: “{shorten(extra, 150)}”. The likeliest are first.",
        )
    ]


async def submit_choice(turn: Turn, form: FormId, values: dict[str, str]) -> list[Outbound]:
    action_id, chosen = parse_id(form.param), values.get("practice", "")
    if chosen == NEW_CHOICE:
        return await _start_new(turn, action_id)
    return await _join(turn, action_id, parse_id(chosen), "select")


async def _join(
    turn: Turn, action_id: int | None, practice_id: int | None, via: str
) -> list[Outbound]:
    found = await _unplaced(turn, action_id)
    if isinstance(found, Refusal):
        return [found]
    _, ranked = found
    if practice_id is not None:  # merged meanwhile: its deeds are in the one it joined
        practice_id = await current_practice(turn.uow, practice_id)
    chosen = {r.practice_id: r for r in ranked}
    if action_id is None or practice_id is None or practice_id not in chosen:
        return [Refusal(UNKNOWN)]
    if not await pick_practice(turn.uow, action_id, practice_id, by=turn.person.id):
        return [Refusal(RECORDED)]  # another click won meanwhile
    await add_label(
        turn.uow,
        action_id,
        practice_id,
        same=True,
        via=via,
        top_score=ranked[0].score,
        picked_score=chosen[practice_id].score,
        method=method_in_use(),
        now=turn.now,
    )
    await retitle(turn.uow, practice_id, title_for(await practice_words(turn.uow, practice_id)))
    return [Text(f"Thanks, noted as the same kind of extra mile: “{chosen[practice_id].title}”.")]


async def _start_new(turn: Turn, action_id: int | None) -> list[Outbound]:
    found = await _unplaced(turn, action_id)
    if isinstance(found, Refusal):
        return [found]
    assert action_id is not None
    extra, ranked = found
    title = phrase(extra)
    practice = await create_practice(turn.uow, title, turn.person.id, turn.now)
    if not await pick_practice(turn.uow, action_id, practice, by=turn.person.id):
        raise UserError(RECORDED)  # a second click won meanwhile: roll the new one back
    await add_label(
        turn.uow,
        action_id,
        practice,
        same=False,
        via="new",
        top_score=ranked[0].score if ranked else 0.0,
        picked_score=None,
        method=method_in_use(),
        now=turn.now,
    )
    return [Text(f"Thanks, noted as a new kind of extra mile: “{title}”.")]
