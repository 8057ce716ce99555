"""People given by e-mail: their Teams ids, from a team's roster when the app is installed."""

from __future__ import annotations

from typing import Any

from adapters.teams.translate import PLATFORM
from bot.engine import Engine


async def found_by_email(engine: Engine, member: Any) -> bool:
    """A roster member the file names only by e-mail (`email` or `userPrincipalName`):
    their AAD object id learned and remembered. True if they are now known."""
    aad = getattr(member, "aad_object_id", None)
    if not aad:
        return False
    for email in (getattr(member, "email", None), getattr(member, "user_principal_name", None)):
        person = engine.org.person_by_email(email) if email else None
        if person is not None and person.teams is None:
            await engine.learn(person.id, PLATFORM, str(aad))
            return True
    return False
