"""The follow-up (P12): some days after an action, did it affect other customers, did the
customer notice, any feedback since? Asked twice at most, then left.

The feature's parts: `asking` (the job's questions), `form` (the form and who may open
it), `checks` (one validator a field) and `answer` (recording what the form sends). This
module registers their routes and names what other modules use.
"""

from __future__ import annotations

from bot.features.follow_up.answer import submit
from bot.features.follow_up.asking import MAX_ASKS, SECOND_ASK_AFTER_DAYS, ask_due, due_on
from bot.features.follow_up.checks import check
from bot.features.follow_up.form import (
    AFFECTED_CHOICES,
    FORM,
    LABELS,
    NOTICED_CHOICES,
    follow_up_form,
    open_form,
)
from bot.routes import RouteTable

__all__ = [
    "AFFECTED_CHOICES",
    "FORM",
    "LABELS",
    "MAX_ASKS",
    "NOTICED_CHOICES",
    "SECOND_ASK_AFTER_DAYS",
    "ask_due",
    "check",
    "due_on",
    "follow_up_form",
    "open_form",
    "register",
    "submit",
]


def register(routes: RouteTable) -> None:
    routes.form(FORM, submit, opens=lambda turn, form: open_form(turn, form.param), with_param=True)
