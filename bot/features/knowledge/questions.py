"""Which knowledge question comes next for a learner, and how it is asked."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.context import Scene
from bot.domain.assessment import KNOWLEDGE_QUESTIONS, MarkStatus
from bot.domain.statements import StatementKind
from bot.domain.text import shorten
from bot.features.approvals.notes import note_form
from bot.messages import Button, ButtonStyle, Card, CardField, Form
from bot.routes import OPEN_FORM, ActionId, form_about
from storage.assessment import current_marks, skipped
from storage.evidence import statements_of

ANSWER_FORM = "knowledge-answer"
MAX_ANSWER = 1000
_NEVER = datetime.min.replace(tzinfo=UTC)


class KnowledgeButton(ActionId):
    SKIP = "knowledge.skip"  # value the criterion


async def answered(scene: Scene, person_id: str) -> dict[str, datetime]:
    """The knowledge criteria the learner's own words evidence (a knowledge answer or their
    reasoning naming it), with the latest; one the assessor marked "not yet" or "needs
    more" since is open again."""
    found: dict[str, datetime] = {}
    for statement in await statements_of(scene.uow, person_id):
        if statement.kind in (StatementKind.KNOWLEDGE, StatementKind.REASONING):
            found[statement.criterion] = statement.created_at
    for code, mark in (await current_marks(scene.uow, person_id)).items():
        reopened = mark.status in (MarkStatus.NOT_YET, MarkStatus.NEEDS_MORE)
        if code in found and reopened and mark.created_at >= found[code]:
            del found[code]
    return {code: at for code, at in found.items() if code in KNOWLEDGE_QUESTIONS}


async def next_question(scene: Scene, person_id: str) -> str | None:
    """The criterion to ask about next: the first open one never skipped, else the one
    skipped longest ago; None when every one has an answer."""
    done = await answered(scene, person_id)
    skips = await skipped(scene.uow, person_id)
    order = list(KNOWLEDGE_QUESTIONS)
    open_ones = [code for code in order if code not in done]
    if not open_ones:
        return None
    return min(open_ones, key=lambda code: (skips.get(code, _NEVER), order.index(code)))


def card_key(person_id: str, criterion: str) -> str:
    return f"knowledge:{person_id}:{criterion}"


def question_card(person_id: str, criterion: str, *, first_name: str = "") -> Card:
    hello = f"{first_name}, here's" if first_name else "Here's"
    return Card(
        title=f"{hello} a question for your portfolio",
        text=f"{KNOWLEDGE_QUESTIONS[criterion]}\n\nA sentence or two in your own words is "
        "plenty. Say `knowledge` any time for the next one.",
        buttons=(
            Button("Answer", OPEN_FORM, form_about(ANSWER_FORM, criterion), ButtonStyle.PRIMARY),
            Button("Skip this one", KnowledgeButton.SKIP, criterion),
        ),
        card_key=card_key(person_id, criterion),
    )


def settled_card(person_id: str, criterion: str, words: str | None) -> Card:
    """The question card once answered (`words`) or skipped (None): no buttons."""
    question = KNOWLEDGE_QUESTIONS[criterion]
    if words is None:
        return Card(
            title="Skipped for now",
            text=f"{question}\n\nI'll ask another one next time.",
            card_key=card_key(person_id, criterion),
        )
    return Card(
        title="✓ Answered: it's in your portfolio",
        text=question,
        fields=(CardField("Your answer", shorten(words, 500)),),
        card_key=card_key(person_id, criterion),
    )


def answer_form(criterion: str, errors: dict[str, str] | None = None, value: str = "") -> Form:
    return note_form(
        form_about(ANSWER_FORM, criterion),
        "Your answer",
        "answer",
        "In your own words",
        "Send",
        errors or {},
        value,
        required=False,
        intro=KNOWLEDGE_QUESTIONS[criterion],
        hint="Leave it empty to skip this question for now.",
        max_length=MAX_ANSWER,
    )
