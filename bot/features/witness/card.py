"""What the witness and the learner see: plain words, no criteria codes."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.domain.assessment import WitnessAnswer, WitnessedAction, WitnessRelation, WitnessStatement
from bot.domain.org import Organisation, Person
from bot.domain.text import shorten
from bot.messages import Button, ButtonStyle, Card, CardField
from bot.routes import OPEN_FORM, ActionId, form_about

WORDS_FORM = "witness-words"
MAX_WORDS = 500
MAX_COLLEAGUES = 8


class WitnessButton(ActionId):
    ANSWER = "witness.answer"  # value "<statement id>:<answer>"
    OTHERS = "witness.others"  # value the action's id: the learner picks a colleague
    ASK = "witness.ask"  # value "<action id>:<colleague's id>"


def witness_card(org: Organisation, statement: WitnessStatement, deed: WitnessedAction) -> Card:
    learner = org.person(statement.learner_id)
    name = learner.name if learner else statement.learner_id
    first = name.split()[0]
    why = (
        "As their supervisor, can you confirm it?"
        if statement.relation is WitnessRelation.SUPERVISOR
        else f"{first} says you saw it. Can you confirm it?"
    )
    fields = (
        CardField("What they did", shorten(deed.extra, 300)),
        CardField("What the customer needed", shorten(deed.customer_need, 300)),
        CardField("When", deed.occurred_on.strftime("%a %d %b %Y")),
    )
    return Card(
        title=f"Did you see what {first} did for a customer?",
        text=f"{name} logged an extra-mile action. {why} Your answer goes into their "
        "qualification portfolio as a witness statement, with your name and the date.",
        fields=(*fields, *_answered(org, statement)),
        buttons=_buttons(statement),
        card_key=statement.card_key,
    )


def _answered(org: Organisation, statement: WitnessStatement) -> tuple[CardField, ...]:
    if statement.answer is None or statement.answered_at is None:
        return ()
    tz = ZoneInfo(org.organisation.timezone)
    when = statement.answered_at.astimezone(tz).strftime("%a %d %b, %H:%M")
    said = CardField("Your answer", f"{statement.answer.label} ({when})")
    return (said, CardField("Your words", statement.words)) if statement.words else (said,)


def _buttons(statement: WitnessStatement) -> tuple[Button, ...]:
    if statement.answer is None:
        value = str(statement.id)
        return (
            Button("I saw it", WitnessButton.ANSWER, f"{value}:saw", ButtonStyle.PRIMARY),
            Button("I can confirm it", WitnessButton.ANSWER, f"{value}:confirm"),
            Button("I can't say", WitnessButton.ANSWER, f"{value}:cannot_say"),
        )
    if statement.answer.evidence and not statement.words:
        form = form_about(WORDS_FORM, statement.id)
        return (Button("Add a sentence (optional)", OPEN_FORM, form),)
    return ()


def learner_note(action_id: int, asked: Person | None) -> Card:
    """After a learner's deed is saved: who was asked to confirm it, and the button to ask
    someone else."""
    title = (
        f"I've asked {asked.name} to confirm this for your portfolio."
        if asked
        else "Did someone see it? They can confirm it for your portfolio."
    )
    return Card(
        title=title,
        text="If someone else saw it too, they can confirm it as well.",
        buttons=(Button("Someone else saw it", WitnessButton.OTHERS, str(action_id)),),
    )


def colleague_picker(action_id: int, colleagues: list[Person]) -> Card:
    return Card(
        title="Who saw it?",
        text="I'll ask them to confirm it, with one tap.",
        buttons=tuple(
            Button(p.name, WitnessButton.ASK, f"{action_id}:{p.id}")
            for p in colleagues[:MAX_COLLEAGUES]
        ),
    )


def told_learner(org: Organisation, statement: WitnessStatement, deed: WitnessedAction) -> str:
    witness = org.person(statement.witness_id)
    name = witness.name if witness else statement.witness_id
    said = "saw it" if statement.answer is WitnessAnswer.SAW else "can confirm it"
    return (
        f"{name} {said}: your extra-mile action of {deed.occurred_on:%a %d %b} "
        f"(“{shorten(deed.extra, 120)}”). It's in your portfolio as a witness statement."
    )
