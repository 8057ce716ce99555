"""The one follow-up message for several actions renders on both platforms: a valid
Adaptive Card 1.5, and Slack blocks slack_sdk accepts, with a button per action."""

from __future__ import annotations

from datetime import date

from adapters.slack.render import card_message
from adapters.teams.cards import choice_card_json
from bot.domain.records import DueAction
from bot.features.follow_up.asking import PER_MESSAGE, ask_together_card
from tests.fakes.teams_harness import assert_valid_card


def _actions(n: int) -> list[DueAction]:
    return [
        DueAction(
            id=i,
            person_id="asha",
            extra=f"Carried box {i} to the car " * 20,
            carried_out=date(2026, 11, 22),
            asked=0,
            answered=False,
        )
        for i in range(1, n + 1)
    ]


def test_the_most_a_message_holds_renders_on_both_platforms() -> None:
    card = ask_together_card(_actions(PER_MESSAGE))
    assert_valid_card(choice_card_json(card))
    message = card_message(card)
    for block in message.blocks:
        block.to_dict()  # slack_sdk checks each block's shape here
    labels = [
        element["text"]["text"]
        for block in message.blocks
        for element in block.to_dict().get("elements", [])
        if element.get("type") == "button"
    ]
    assert labels == [f"Tell me about {n}" for n in range(1, PER_MESSAGE + 1)]
