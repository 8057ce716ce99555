"""`follow-up`: ask how actions went, `follow_up_days` after them (P12)."""

from __future__ import annotations

from bot.flows import follow_up
from bot.flows.turn import Scene


async def run(scene: Scene) -> str:
    return f"asked {await follow_up.ask_due(scene)}"
