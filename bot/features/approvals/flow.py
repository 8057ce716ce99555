"""The approvals feature's routes: the approver's buttons, the decline/ask/answer forms,
and the `waiting` command."""

from __future__ import annotations

from bot.features.approvals.access import current_card, show_more
from bot.features.approvals.card import RequestButton
from bot.features.approvals.decision import (
    approve,
    start_approve_with_comment,
    start_decline,
    submit_approve,
    submit_decline,
)
from bot.features.approvals.notes import ANSWER_FORM, APPROVE_FORM, ASK_FORM, DECLINE_FORM
from bot.features.approvals.question import open_answer_form, start_ask, submit_answer, submit_ask
from bot.features.approvals.waiting import show_waiting
from bot.features.general.flow import Menu
from bot.routes import RouteTable


def register(routes: RouteTable) -> None:
    # A re-sent click gets the card as it is now: Teams shows "Unable to reach app" to a
    # click that gets no card back.
    routes.click(RequestButton.APPROVE, approve, replay=current_card)
    routes.click(
        RequestButton.APPROVE_WITH_COMMENT, start_approve_with_comment, replay=current_card
    )
    routes.click(RequestButton.DECLINE, start_decline, replay=current_card)
    routes.click(RequestButton.MORE, show_more, replay=show_more)
    routes.click(RequestButton.ASK, start_ask, replay=current_card)
    routes.click(Menu.WAITING, lambda turn, _: show_waiting(turn))
    routes.form(APPROVE_FORM, submit_approve, with_param=True)
    routes.form(DECLINE_FORM, submit_decline, with_param=True)
    routes.form(ASK_FORM, submit_ask, with_param=True)
    routes.form(
        ANSWER_FORM,
        submit_answer,
        opens=lambda turn, form: open_answer_form(turn, form.param),
        with_param=True,
    )
    routes.command("waiting", handler=lambda turn, _: show_waiting(turn))
