"""Delivering messages to people other than the sender: the protocol each platform implements."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from bot.domain.org import Person
from bot.messages import Outbound


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
    """The message can never be delivered this way (no such user, app removed...).

    `advice`: what an admin can do about it, in the platform's own terms (told to the
    organisation's admins when a channel post fails this way)."""

    def __init__(self, reason: str, advice: str = ""):
        super().__init__(reason)
        self.advice = advice


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


class DeliveryStore(Protocol):
    """What the platforms' messengers and listeners keep between messages: where each
    person is reached (a Slack DM channel, a Teams conversation reference) and where each
    card was posted, so its later states replace it. storage.delivery implements it on
    the database; whoever builds the app hands it to the adapters. Each call is its own
    short transaction: these run outside any turn (a turn's sender's address travels in
    the inbound message and is saved with the turn)."""

    async def address(self, person_id: str, platform: str) -> dict[str, object] | None:
        """Where the person is reached on the platform, if they are."""
        ...

    async def addresses(self, platform: str) -> dict[str, dict[str, object]]:
        """Everyone's reachable address on the platform, by person id."""
        ...

    async def latest_address(self, platform: str) -> dict[str, object] | None:
        """The most recently saved address on the platform, anyone's (for a Teams tenant
        and service URL before a person has talked to the bot)."""
        ...

    async def remember_address(
        self,
        person_id: str,
        platform: str,
        address: Mapping[str, object],
        *,
        timezone: str | None = None,
    ) -> None:
        """Save the address (and the time zone the platform reported), if either changed."""
        ...

    async def remember_addresses(
        self, platform: str, learned: Mapping[str, Mapping[str, object]]
    ) -> None:
        """Save many people's addresses at once (what a round of sends learned)."""
        ...

    async def posted(self, card_key: str, person_id: str, platform: str) -> list[dict[str, object]]:
        """Where the person's copies of a card are (channel and ts, or a reference)."""
        ...

    async def remember_posted(
        self, card_key: str, person_id: str, platform: str, where: Mapping[str, object]
    ) -> None:
        """Where a copy of a card now is (the same copy twice is kept once)."""
        ...

    async def remember_timezone(self, person_id: str, timezone: str) -> None:
        """Keep the time zone a platform reports (ignored unless a real one)."""
        ...
