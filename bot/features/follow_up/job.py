"""`follow-up`: ask how actions went, `follow_up_days` after them (P12)."""

from __future__ import annotations

from bot.context import Scene
from bot.features.follow_up.asking import ask_due


async def run(scene: Scene) -> str:
    return f"asked {await ask_due(scene)}"
