"""The line Teams shows for a message in a notification and in the chat list.

Teams reads it from the activity's `summary` when the message is a card; without one a
phone says only that the bot "sent a card". Every activity carrying a card gets the same
plain line Slack sends as a message's `text`: its words, then each card's title (the
supervisor's "Asha asks to spend £45 and 60 min, for this evening").

A middleware on the adapter, so that every way a message leaves (a turn's answer, the
replies after a click, the outbox's posts and in-place updates, a channel post) gets it.
A card alone gets no `text`: Teams would show that line again above the card.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from botbuilder.core import Middleware, TurnContext
from botbuilder.schema import Activity

from adapters.teams.cards import CONTENT_TYPE
from bot.domain.text import one_line

MAX_LINE = 3000  # as Slack's notification text


def card_title(card: Any) -> str:
    """An Adaptive Card's title: the text of its first block's first run (cards.py puts
    the title there), else its first TextBlock's text."""
    body = card.get("body") if isinstance(card, dict) else None
    for block in body or []:
        if not isinstance(block, dict):
            continue
        runs = block.get("inlines") or []
        if runs and isinstance(runs[0], dict) and isinstance(runs[0].get("text"), str):
            return str(runs[0]["text"])
        if isinstance(block.get("text"), str):
            return str(block["text"])
    return ""


def notification_line(activity: Activity) -> str | None:
    """The activity's words and its cards' titles as one plain line; None without a card."""
    cards = [
        a.content
        for a in activity.attachments or []
        if getattr(a, "content_type", None) == CONTENT_TYPE
    ]
    if not cards:
        return None
    parts = [activity.text or "", *(card_title(card) for card in cards)]
    return one_line(" ".join(p for p in parts if p), MAX_LINE) or None


def with_line(activity: Activity) -> None:
    """Give a card-carrying activity its notification line (a line set already is kept)."""
    if activity.summary:
        return
    line = notification_line(activity)
    if line:
        activity.summary = line


class NotificationLines(Middleware):  # type: ignore[misc]
    """Every activity a turn sends or replaces gets its line as it leaves."""

    async def on_turn(self, context: TurnContext, logic: Callable[[], Awaitable[None]]) -> None:
        context.on_send_activities(_sending)
        context.on_update_activity(_updating)
        await logic()


async def _sending(
    _context: TurnContext, activities: list[Activity], send: Callable[[], Awaitable[Any]]
) -> Any:
    for activity in activities:
        with_line(activity)
    return await send()


async def _updating(
    _context: TurnContext, activity: Activity, update: Callable[[], Awaitable[Any]]
) -> Any:
    with_line(activity)
    return await update()
