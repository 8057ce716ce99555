"""The console's inbox: messages that wait for a person who can only be reached in the console.

The outbox rows of someone whose only address is the console stay pending (the server's
dispatcher does not claim them); the console session, when that person opens it, takes
them in order, shows them and marks them sent. storage.console_inbox implements it.
"""

from __future__ import annotations

from typing import Protocol

from bot.domain.records import OutboxItem

CONSOLE = "console"


class Inbox(Protocol):
    async def waiting(self, person_id: str) -> list[OutboxItem]:
        """The person's pending messages, oldest first."""
        ...

    async def delivered(self, *item_ids: int) -> None:
        """Shown to the person: mark them sent."""
        ...
