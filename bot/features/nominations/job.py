"""`nominations`: practices that now meet the organisation's rule go to the managers."""

from __future__ import annotations

from bot.context import Scene
from bot.features.nominations.flow import nominate_due


async def run(scene: Scene) -> str:
    return f"nominated {await nominate_due(scene)}"
