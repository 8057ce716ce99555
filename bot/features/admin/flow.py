"""For admins and managers: who the bot cannot reach, so nobody is dropped silently."""

from __future__ import annotations

from bot.context import Turn
from bot.domain.names import person_name
from bot.domain.org import Role
from bot.messages import Card, CardField, Outbound, Text
from bot.routes import RouteTable
from storage.console_inbox import waiting_in_console
from storage.queue import unreached_people

ALLOWED = (Role.ADMIN, Role.MANAGER)


async def unreachable_card(turn: Turn) -> Card:
    no_identity = [
        CardField(p.name, "has no Slack or Teams id in the organisation file")
        for p in turn.org.people
        if p.slack is None and p.teams is None
    ]
    failed = [
        CardField(
            person_name(turn.org, u.person_id),
            f"last message could not be delivered ({u.reason}), {u.since:%a %d %b}",
        )
        for u in await unreached_people(turn.uow)
    ]
    waiting = [
        CardField(
            person_name(turn.org, person_id),
            f"{count} message{'s' if count != 1 else ''} waiting for the console "
            "(they have only used the console)",
        )
        for person_id, count in sorted((await waiting_in_console(turn.uow)).items())
    ]
    fields = tuple(no_identity + failed + waiting)
    return Card(
        title=f"People I can't reach ({len(fields)})",
        text="" if fields else "Everyone can be reached. 🎉",
        fields=fields,
    )


async def show_unreachable(turn: Turn) -> list[Outbound]:
    if turn.person.role not in ALLOWED:
        return [Text("Only admins and managers can see who the bot cannot reach.")]
    return [await unreachable_card(turn)]


def register(routes: RouteTable) -> None:
    routes.command("unreachable", handler=lambda turn, _: show_unreachable(turn))
