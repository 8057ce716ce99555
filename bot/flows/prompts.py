"""Answers to the weekly prompt, and the digest on demand."""

from __future__ import annotations

from datetime import timedelta

from bot.digest import build_digest, digest_card
from bot.flows.turn import Turn
from bot.jobs.weekly_prompt import PAUSE_WEEKS
from bot.messages import Outbound, Text
from bot.org import Role
from storage.activity import pause_prompts


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
    digest = await build_digest(turn, turn.person, turn.now)
    return [digest_card(turn.person, digest, turn.now)]
