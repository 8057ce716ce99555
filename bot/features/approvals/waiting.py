"""What waits on me: an approver's open requests, oldest first, with their cards."""

from __future__ import annotations

from datetime import datetime

from bot.context import Turn
from bot.domain.names import person_name
from bot.domain.text import shorten
from bot.features.approvals.card import request_card
from bot.messages import Outbound, Text
from storage.requests import open_requests


async def show_waiting(turn: Turn) -> list[Outbound]:
    waiting = await open_requests(turn.uow, turn.person.id)
    if not waiting:
        return [Text("Nothing is waiting on you. 🎉")]
    lines = [
        f"• {person_name(turn.org, r.requester_id)}: {shorten(r.extra, 60)} "
        f"(waiting {age(turn.now, r.created_at)})"
        for r in waiting
    ]
    cards: list[Outbound] = [request_card(turn.org, r, today=turn.today) for r in waiting[:5]]
    more = f"\n…and {len(waiting) - 5} more." if len(waiting) > 5 else ""
    return [
        Text(f"Waiting on you, oldest first ({len(waiting)}):\n" + "\n".join(lines) + more),
        *cards,
    ]


def age(now: datetime, then: datetime) -> str:
    hours = int((now - then).total_seconds() // 3600)
    if hours < 1:
        return "under an hour"
    if hours < 48:
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{hours // 24} days"
