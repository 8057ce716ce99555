"""`follow-up`: ask how actions went, `follow_up_days` after them (P12)."""

from __future__ import annotations

from bot.context import Scene
from bot.features.follow_up import flow as follow_up


async def run(scene: Scene) -> str:
    return f"asked {await follow_up.ask_due(scene)}"
