"""The nominations' buttons: a practice picked after logging, and a manager's decision."""

from __future__ import annotations

from bot.routes import ActionId


class NominationButton(ActionId):
    PICK_PRACTICE = "practice.pick"  # value: "<action id>:<practice id>"
    NEW_PRACTICE = "practice.new"  # value: the action's id
    ADOPT = "nomination.adopt"  # value: the nomination's id
    DISMISS = "nomination.dismiss"
