"""Log an extra-mile action: a done deed on one screen (form.py) or in one line
(one_line.py), saved at once, then its details one tap each (details.py); or an idea
(form.py), which goes ahead or to the supervisor. The routes are here."""

from __future__ import annotations

from bot.context import Turn
from bot.domain.records import ConversationState
from bot.features.general.flow import Menu
from bot.features.general.offer_items import with_adopted_offer
from bot.features.log import cancel as cancelling
from bot.features.log import detail_forms, details
from bot.features.log.form import (
    FORM_ID,
    IDEA_FORM_ID,
    open_form,
    open_idea,
    submit_deed,
    submit_idea,
)
from bot.features.log.one_line import free_text, log_line
from bot.features.log.state import FLOW, LogButton
from bot.messages import Outbound
from bot.routes import Conversation, RouteTable


async def _log_command(turn: Turn, rest: str) -> list[Outbound]:
    return await log_line(turn, rest) if rest else await open_form(turn)


async def _idea_command(turn: Turn, _rest: str) -> list[Outbound]:
    return await open_idea(turn)


async def _tapped(turn: Turn, value: str) -> list[Outbound]:
    return await details.tapped(await with_adopted_offer(turn), value)


async def _answer(turn: Turn, state: ConversationState, reply: str) -> list[Outbound]:
    return await cancelling.answer(await with_adopted_offer(turn), state, reply)


async def _resume(turn: Turn, state: ConversationState) -> list[Outbound]:
    return await cancelling.resume(await with_adopted_offer(turn), state)


def register(routes: RouteTable) -> None:
    routes.click(Menu.LOG, lambda turn, _: open_form(turn))
    routes.click(Menu.IDEA, lambda turn, _: open_idea(turn))
    routes.click(LogButton.DETAIL, _tapped)
    routes.click(LogButton.CANCEL_YES, lambda turn, _: cancelling.confirmed(turn))
    routes.click(LogButton.KEEP_GOING, lambda turn, _: cancelling.keep_going(turn))
    routes.form(
        FORM_ID,
        lambda turn, _, values: submit_deed(turn, values),
        opens=lambda turn, _: open_form(turn),
    )
    routes.form(
        IDEA_FORM_ID,
        lambda turn, _, values: submit_idea(turn, values),
        opens=lambda turn, _: open_idea(turn),
    )
    routes.form(
        details.NEED_FORM,
        detail_forms.submit_need,
        opens=detail_forms.open_need,
        with_param=True,
    )
    routes.form(
        details.OTHER_OFFER_FORM,
        detail_forms.submit_offer,
        opens=detail_forms.open_offer,
        with_param=True,
    )
    routes.command("log", handler=_log_command)
    routes.command("idea", handler=_idea_command)
    routes.command(
        "cancel", "stop", handler=lambda turn, _: cancelling.cancel(turn), interrupts=True
    )
    routes.fallback(free_text)
    routes.conversation(
        Conversation(
            FLOW,
            "logging an action",
            waiting=cancelling.waiting,
            answer=_answer,
            resume=_resume,
        )
    )
