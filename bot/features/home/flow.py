"""A person's home page (Slack's App Home): their actions and what waits on them."""

from __future__ import annotations

from bot.context import Turn
from bot.domain.actions import NominationStatus
from bot.domain.names import person_name
from bot.domain.org import Role
from bot.domain.text import shorten
from bot.features.admin import flow as admin
from bot.features.approvals.waiting import age
from bot.features.general.flow import Menu, show_mine
from bot.messages import Button, ButtonStyle, Card, CardField
from bot.routes import RouteTable
from storage.nominations import nominations as nominations_of
from storage.requests import open_requests


async def home_cards(turn: Turn) -> list[Card]:
    person = turn.person
    cards = [
        Card(
            title=f"Hi {person.first_name}: did you go the extra mile today?",
            text="Log what you did beyond our routine offer, or an idea to check first.",
            buttons=(
                Button("Log an action", Menu.LOG, style=ButtonStyle.PRIMARY),
                Button("Propose an idea", Menu.IDEA),
                Button("Record feedback", Menu.FEEDBACK),
                Button("Service offer", Menu.OFFER),
            ),
        )
    ]
    mine = await show_mine(turn)
    cards += [c for c in mine if isinstance(c, Card)]
    if person.role in (Role.SUPERVISOR, Role.MANAGER):
        pending = await open_requests(turn.uow, person.id)
        cards.append(
            Card(
                title=f"Waiting on you ({len(pending)})",
                text="Oldest first. Type `waiting` in our chat for the cards."
                if pending
                else "Nothing is waiting on you. 🎉",
                fields=tuple(
                    CardField(
                        person_name(turn.org, p.requester_id),
                        f"{shorten(p.extra, 120)} (waiting {age(turn.now, p.created_at)})",
                    )
                    for p in pending[:15]
                ),
            )
        )
    if person.role in admin.ALLOWED:
        cards.append(await admin.unreachable_card(turn))
    if person.role is Role.MANAGER:
        nominations = await nominations_of(turn.uow, NominationStatus.OPEN)
        cards.append(
            Card(
                title=f"Nominated for the service offer ({len(nominations)})",
                text="" if nominations else "No nominations yet.",
                fields=tuple(
                    CardField(n.title, f"worked {n.successes} times for {n.people} people")
                    for n in nominations[:15]
                ),
            )
        )
    return cards


def register(routes: RouteTable) -> None:
    routes.home(home_cards)
