"""Asking for follow-ups (P12): some days after an action, then once more; twice at most.
A person's follow-ups due together come as one message, each action with its own button."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from bot.context import Scene
from bot.domain.records import DueAction
from bot.domain.text import shorten
from bot.features.follow_up.form import FORM
from bot.messages import Button, ButtonStyle, Card
from bot.routes import OPEN_FORM, form_about
from storage.follow_ups import due_follow_ups, mark_asked

MAX_ASKS = 2
SECOND_ASK_AFTER_DAYS = 2
PER_MESSAGE = 10  # actions listed in one message; more go in another


def due_on(carried_out: date, asked: int, days: int) -> date:
    """When the next ask is due: `days` after the action, then two days later."""
    return carried_out + timedelta(days=days + SECOND_ASK_AFTER_DAYS * asked)


def ask_card(action: DueAction) -> Card:
    """The question, with a button opening the follow-up form."""
    return Card(
        title="How did it go?" if action.asked == 0 else "How did it go? (asking once more)",
        text=f"{action.carried_out:%a %d %b}: {shorten(action.extra, 200)}\n"
        "Did it affect the service to other customers? Did the customer notice?",
        buttons=(Button("Tell me", OPEN_FORM, form_about(FORM, action.id), ButtonStyle.PRIMARY),),
    )


def ask_together_card(actions: list[DueAction]) -> Card:
    """Several follow-ups in one message: the actions numbered, a button for each."""
    once_more = all(action.asked for action in actions)
    lines = "\n".join(
        f"{n}. {a.carried_out:%a %d %b}: {shorten(a.extra, 150)}"
        for n, a in enumerate(actions, start=1)
    )
    return Card(
        title="How did these go?" + (" (asking once more)" if once_more else ""),
        text=f"{lines}\nDid they affect the service to other customers? Did the customer notice?",
        buttons=tuple(
            Button(f"Tell me about {n}", OPEN_FORM, form_about(FORM, a.id))
            for n, a in enumerate(actions, start=1)
        ),
    )


async def ask_due(scene: Scene) -> int:
    """The `follow-up` job: ask everyone whose follow-up is due, one message a person;
    returns how many actions were asked about."""
    days = scene.org.policy.follow_up_days
    by_person: dict[str, list[DueAction]] = defaultdict(list)
    for action in await due_follow_ups(scene.uow, max_asks=MAX_ASKS):
        if scene.today >= due_on(action.carried_out, action.asked, days):
            by_person[action.person_id].append(action)
    for person_id, actions in by_person.items():
        for start in range(0, len(actions), PER_MESSAGE):
            await _ask(scene, person_id, actions[start : start + PER_MESSAGE])
    return sum(len(actions) for actions in by_person.values())


async def _ask(scene: Scene, person_id: str, actions: list[DueAction]) -> None:
    if len(actions) == 1:
        [action] = actions
        key: tuple[object, ...] = ("follow-up", action.id, action.asked + 1)
        await scene.notify.person(person_id, ask_card(action), *key)
    else:
        asks = "+".join(f"{a.id}.{a.asked + 1}" for a in actions)
        await scene.notify.person(person_id, ask_together_card(actions), "follow-up", asks)
    for action in actions:
        await mark_asked(scene.uow, action.id)
