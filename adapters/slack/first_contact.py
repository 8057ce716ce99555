"""The first time this process hears from someone: their time zone, from Slack's
users.info, a call made after the ack, never on its path.

Their DM channel is not saved here: it travels in the message (bot.messages.Address)
and the engine saves it with the turn. Only App Home, which is no turn, saves it
through the delivery store.
"""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.background import Background
from adapters.slack.client import PLATFORM
from bot.delivery.messenger import DeliveryStore

log = logging.getLogger(__name__)


class FirstContact:
    def __init__(
        self, *, client: AsyncWebClient, store: DeliveryStore, background: Background
    ) -> None:
        self._client = client
        self._store = store
        self._background = background
        # Whom users.info was asked about by this process: once each, not per message
        # (the store writes a zone only when it changed).
        self._asked: set[str] = set()

    def noticed(self, person_id: str, user: str) -> None:
        """Someone wrote or opened App Home; the first time, learn their time zone (in
        the background: call this after the ack)."""
        if person_id in self._asked:
            return
        self._asked.add(person_id)
        self._background.later(self._learn_timezone(person_id, user))

    async def at_home(self, person_id: str, user: str, channel: str) -> None:
        """App Home opened (no turn of the engine's): keep their DM, then as `noticed`."""
        await self._store.remember_address(person_id, PLATFORM, {"channel": channel})
        self.noticed(person_id, user)

    async def _learn_timezone(self, person_id: str, user: str) -> None:
        try:
            profile = await self._client.users_info(user=user)
        except SlackApiError as error:
            log.info("no time zone for %s: %s", user, error.response.get("error"))
            return
        zone = (profile.get("user") or {}).get("tz")
        if zone:
            await self._store.remember_timezone(person_id, str(zone))
