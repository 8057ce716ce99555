"""Away and delegation: while someone is away, their requests go to a delegate."""

from __future__ import annotations

import re

from bot.context import Scene, Turn
from bot.domain.approvers import availability, route
from bot.domain.names import person_name
from bot.domain.org import Person
from bot.domain.text import parse_day
from bot.features.approvals import card as approvals
from bot.messages import Outbound, Text
from bot.routes import RouteTable
from storage.requests import (
    get_request,
    open_requests,
    reassign,
    set_away,
    stored_availability,
)

_AWAY = re.compile(r"^until\s+(?P<day>\S+)(?:\s+(?:delegate|to)\s+(?P<who>.+))?$", re.I)
USAGE = "Say `away until 2026-12-01 delegate priya` (a date and who covers), or `back`."


async def go_away(turn: Turn, rest: str) -> list[Outbound]:
    match = _AWAY.match(rest.strip())
    if match is None:
        return [Text(USAGE)]
    until = parse_day(match["day"], turn.today, ahead=True)
    if until is None or until < turn.today:
        return [Text(f"I couldn't read {match['day']!r} as a date from today on. {USAGE}")]
    delegate = _find(turn, match["who"]) if match["who"] else None
    if match["who"] and delegate is None:
        return [Text(f"I don't know {match['who']!r}; use their id or name. {USAGE}")]
    if delegate is not None and delegate.id == turn.person.id:
        return [Text("You can't delegate to yourself.")]
    await set_away(
        turn.uow, turn.person.id, until=until, delegate=delegate.id if delegate else None
    )
    moved = await move_requests_of(turn, turn.person.id)
    cover = f"; {delegate.name} covers for you" if delegate else ""
    note = f" {moved} waiting request(s) moved." if moved else ""
    return [
        Text(
            f"You're away until {until:%a %d %b}{cover}. New requests won't come to "
            f"you meanwhile.{note} Say `back` when you return."
        )
    ]


async def come_back(turn: Turn) -> list[Outbound]:
    await set_away(turn.uow, turn.person.id, until=None, delegate=None)
    return [Text("Welcome back! New requests come to you again.")]


async def move_requests_of(turn: Scene, person_id: str) -> int:
    """Pending requests never sit with someone who is away: move them on, with a note."""
    available = availability(turn.org, await stored_availability(turn.uow))
    status = available.get(person_id)
    if status is None or not status.away_on(turn.today):
        return 0
    moved = 0
    for request in await open_requests(turn.uow, person_id):
        target = route(turn.org, request.requester_id, turn.today, available)
        if target is None or target == person_id:
            continue
        await reassign(turn.uow, request.id, to=target)
        latest = await get_request(turn.uow, request.id)
        assert latest is not None
        away = person_name(turn.org, person_id)
        await approvals.send_card(
            turn,
            latest,
            target,
            f"Moved to you from {away}, who is away until {status.away_until:%a %d %b}.",
        )
        moved += 1
    return moved


def _find(turn: Turn, who: str) -> Person | None:
    wanted = who.strip().lower()
    for person in turn.org.people:
        if wanted in (person.id, person.name.lower(), person.first_name.lower()):
            return person
    return None


def register(routes: RouteTable) -> None:
    routes.command("away", handler=go_away)
    routes.command("back", handler=lambda turn, _: come_back(turn))
