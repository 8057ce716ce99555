"""Asking for follow-ups (P12): some days after an action, then once more; twice at most."""

from __future__ import annotations

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


async def ask_due(scene: Scene) -> int:
    """The `follow-up` job: ask everyone whose follow-up is due; returns how many."""
    asked = 0
    days = scene.org.policy.follow_up_days
    for action in await due_follow_ups(scene.uow, max_asks=MAX_ASKS):
        if scene.today < due_on(action.carried_out, action.asked, days):
            continue
        card = ask_card(action)
        await scene.notify.person(action.person_id, card, "follow-up", action.id, action.asked + 1)
        await mark_asked(scene.uow, action.id)
        asked += 1
    return asked
