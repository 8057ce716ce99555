"""Customer feedback (P13, P14): recorded against an action with personal data removed;
praise passed on to the supervisor and the recognition channel, the rest kept private.

The feature's parts: `form` (the form, its draft and whom it may be about), `checks`
(one validator a field), `recording` (saving what the form sends), `praise` (passing it
on) and `sharing` (the recorder's choice to quote it in the recognition channel). This
module registers their routes and names what other modules use.
"""

from __future__ import annotations

from bot.features.feedback.checks import check
from bot.features.feedback.form import (
    CHANNEL_CHOICES,
    FLOW,
    FORM_ID,
    MAX_WORDS,
    NO_ACTION,
    RATING_CHOICES,
    SENTIMENT_CHOICES,
    Channel,
    FeedbackDraft,
    feedback_form,
    open_form,
    reopen,
    team_of,
)
from bot.features.feedback.praise import pass_on, praise_card, recognition_channels
from bot.features.feedback.recording import submit_form
from bot.features.feedback.sharing import QUOTED_INTRO, FeedbackButton, decide_share, share_card
from bot.features.general.flow import Menu
from bot.routes import RouteTable

__all__ = [
    "CHANNEL_CHOICES",
    "FLOW",
    "FORM_ID",
    "MAX_WORDS",
    "NO_ACTION",
    "QUOTED_INTRO",
    "RATING_CHOICES",
    "SENTIMENT_CHOICES",
    "Channel",
    "FeedbackButton",
    "FeedbackDraft",
    "check",
    "decide_share",
    "feedback_form",
    "open_form",
    "pass_on",
    "praise_card",
    "recognition_channels",
    "register",
    "reopen",
    "share_card",
    "submit_form",
    "team_of",
]


def register(routes: RouteTable) -> None:
    routes.click(Menu.FEEDBACK, lambda turn, _: open_form(turn))
    routes.click(FeedbackButton.SHARE, lambda turn, value: decide_share(turn, value, share=True))
    routes.click(
        FeedbackButton.DONT_SHARE, lambda turn, value: decide_share(turn, value, share=False)
    )
    routes.form(
        FORM_ID,
        lambda turn, _, values: submit_form(turn, values),
        opens=lambda turn, _: reopen(turn),
    )
    routes.command("feedback", handler=lambda turn, rest: open_form(turn, words=rest))
    routes.quoted(lambda turn, text, author: open_form(turn, words=text, quoted_from=author))
