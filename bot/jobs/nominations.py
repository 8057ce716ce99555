"""`nominations`: practices that now meet the organisation's rule go to the managers."""

from __future__ import annotations

from bot.flows.nominations import nominate_due
from bot.flows.turn import Scene


async def run(scene: Scene) -> str:
    return f"nominated {await nominate_due(scene)}"
