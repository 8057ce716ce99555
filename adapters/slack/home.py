"""App Home: the person's home page, published when they open the tab."""

from __future__ import annotations

from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import translate
from adapters.slack.first_contact import FirstContact
from adapters.slack.render import home_view
from bot.engine import Engine
from bot.messages import Sender


class HomeTab:
    def __init__(
        self, *, client: AsyncWebClient, engine: Engine, first_contact: FirstContact
    ) -> None:
        self._client = client
        self._engine = engine
        self._first_contact = first_contact

    async def publish(self, event: dict[str, Any]) -> None:
        """After the ack: app_home_opened's event (its user, tab and DM channel)."""
        user = str(event.get("user", ""))
        if event.get("tab", "home") != "home" or not user:
            return
        sender = Sender(translate.PLATFORM, user)
        person = self._engine.who(sender)
        if person is not None and str(event.get("channel", "")).startswith("D"):
            await self._first_contact.at_home(person.id, user, str(event["channel"]))
        cards = await self._engine.home(sender)
        await self._client.views_publish(user_id=user, view=home_view(cards).to_dict())
