"""Delivering messages to people other than the sender: the protocol each platform implements."""

from __future__ import annotations

from typing import Protocol

from bot.messages import Outbound
from bot.org import Person


class RetryLater(Exception):
    """The platform could not take the message now; `after` is its Retry-After, if it said.

    `maybe_sent`: the request may have reached the platform (it timed out, or the
    connection broke before the answer), so the next try checks before sending again.
    """

    def __init__(self, reason: str, after: float | None = None, *, maybe_sent: bool = False):
        super().__init__(reason)
        self.after = after
        self.maybe_sent = maybe_sent


class Undeliverable(Exception):
    """The message can never be delivered this way (no such user, app removed...)."""


class Messenger(Protocol):
    """Sends one message to one person on one platform."""

    platform: str

    def can_reach(self, person: Person) -> bool:
        """Whether this person has an identity on this platform."""
        ...

    async def send(
        self, person: Person, message: Outbound, *, dedupe_key: str, maybe_sent: bool = False
    ) -> None:
        """Deliver, or raise RetryLater / Undeliverable. Must not raise anything else on purpose.

        `maybe_sent`: an earlier attempt may have reached the platform; check if you can.
        """
        ...

    async def post_to_channel(self, channel: str, message: Outbound) -> None:
        """Post to a channel (a team's, not a person's); same errors as `send`."""
        ...

    async def settle(self) -> None:
        """Save what the sends since the last call learned (new DM channels, say), at
        once: the dispatcher calls it after each round."""
        ...
