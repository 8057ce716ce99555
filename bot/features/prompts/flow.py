"""The weekly prompt (sent by the weekly-prompt job) and its answers, and the digest on
demand."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.context import Turn
from bot.domain.org import Person, Role
from bot.features.digest.report import build_digest, digest_card, digest_chart
from bot.features.general.flow import Menu
from bot.messages import Button, ButtonStyle, Card, Outbound, Text
from bot.routes import ActionId, RouteTable
from storage.activity import pause_prompts

PAUSE_WEEKS = 4


class PromptButton(ActionId):
    """The prompt's own buttons."""

    SKIP = "prompt.skip"
    PAUSE = "prompt.pause"


def opening(local: datetime) -> str:
    """The prompt's first words, from the person's own local time: "It's Monday morning."."""
    if local.hour < 5:
        return f"It's early on {local:%A}."
    part = "morning" if local.hour < 12 else "afternoon" if local.hour < 17 else "evening"
    return f"It's {local:%A} {part if local.hour < 22 else 'night'}."


def prompt_card(person: Person, occurrence: datetime) -> Card:
    # The time is the person's own local time, never UTC.
    return Card(
        title=f"Did you go the extra mile this week, {person.first_name}?",
        text=f"{opening(occurrence)} Anything you did beyond our routine offer counts, "
        "however small; so does an idea you'd like to check.",
        buttons=(
            Button("Log an action", Menu.LOG, style=ButtonStyle.PRIMARY),
            Button("Not this week", PromptButton.SKIP),
            Button(f"Pause for {PAUSE_WEEKS} weeks", PromptButton.PAUSE),
        ),
    )


async def not_this_week(turn: Turn) -> list[Outbound]:
    return [Text("No problem. See you next week!")]


async def pause(turn: Turn) -> list[Outbound]:
    until = turn.today + timedelta(weeks=PAUSE_WEEKS)
    await pause_prompts(turn.uow, turn.person.id, until)
    return [
        Text(
            f"Weekly prompts paused until {until:%a %d %b}. Say `prompts on` to have "
            "them back sooner. You can still log anything any time."
        )
    ]


async def resume(turn: Turn) -> list[Outbound]:
    await pause_prompts(turn.uow, turn.person.id, None)
    return [Text("Weekly prompts are back on.")]


async def digest_now(turn: Turn) -> list[Outbound]:
    if turn.person.role is not Role.MANAGER:
        return [Text("The digest is for managers. Try `mine` for your own actions.")]
    digest = await build_digest(turn, turn.person, turn.now)  # read in the turn's transaction
    manager, now = turn.person, turn.now

    async def drawn() -> list[Outbound]:
        return [digest_card(manager, digest, now, await digest_chart(digest))]

    return turn.after_commit(drawn)


# --- routes -------------------------------------------------------------------------------------


def register(routes: RouteTable) -> None:
    routes.click(PromptButton.SKIP, lambda turn, _: not_this_week(turn))
    routes.click(PromptButton.PAUSE, lambda turn, _: pause(turn))
    routes.command("digest", handler=lambda turn, _: digest_now(turn))
    routes.command("prompts on", handler=lambda turn, _: resume(turn))
