"""Practices picked after logging (practices.py), nominations for the routine offer
(card.py, job.py), a manager's Adopt or Dismiss (decide.py) and a person's own
suggestion (suggest.py) (3.5, K7, K9): the routes."""

from __future__ import annotations

from bot.features.nominations import manage
from bot.features.nominations.buttons import NominationButton
from bot.features.nominations.card import show
from bot.features.nominations.decide import (
    ADOPT_FORM,
    DISMISS_FORM,
    start,
    submit_adoption,
    submit_dismissal,
)
from bot.features.nominations.practices import (
    CHOOSE_FORM,
    new,
    open_choice,
    pick,
    submit_choice,
)
from bot.features.nominations.practices import ask_practice as ask_practice  # approvals' import
from bot.features.nominations.suggest import SUGGEST_FORM, start_suggestion, submit_suggestion
from bot.routes import RouteTable


def register(routes: RouteTable) -> None:
    routes.click(NominationButton.PICK_PRACTICE, pick)
    routes.click(NominationButton.NEW_PRACTICE, new)
    routes.form(CHOOSE_FORM, submit_choice, opens=open_choice, with_param=True)
    routes.click(NominationButton.ADOPT, lambda turn, value: start(turn, "adopt", value))
    routes.click(NominationButton.DISMISS, lambda turn, value: start(turn, "dismiss", value))
    # All three are found by their name, whatever follows a colon.
    routes.form(ADOPT_FORM, submit_adoption, with_param=True)
    routes.form(DISMISS_FORM, submit_dismissal, with_param=True)
    routes.form(SUGGEST_FORM, submit_suggestion, with_param=True)
    routes.command("nominations", handler=lambda turn, _: show(turn))
    routes.command("suggest", handler=lambda turn, _: start_suggestion(turn))
    manage.register(routes)
