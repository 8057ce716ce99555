"""Replying to the person who acted: what shows in place (a card's new state in every copy
they have, a modal), the words meant for them alone, and their DM for the rest.

The turn's messages themselves go through the outbox (Engine.handle with QueueReplies);
what comes back here is what the outbox cannot show: a modal needs the trigger id within
three seconds, and the clicked card is replaced where it is.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.client import (
    PLATFORM,
    as_message,
    dm_channel,
    image_of,
    post,
    post_ephemeral,
    update,
    upload_document,
    upload_image,
)
from adapters.slack.render import combine, form_view
from bot.delivery.messenger import DeliveryStore
from bot.engine import Engine
from bot.messages import CardUpdate, Document, Form, Outbound, Refusal, Sender

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Where:
    """Where the person acted: a DM channel to answer in, a trigger for modals, and the
    message they clicked (channel, ts), which a new card state replaces."""

    channel: str | None
    trigger_id: str | None
    clicked: tuple[str, str] | None = None


class Replies:
    """Sends a turn's answers back to the person who acted."""

    def __init__(self, *, client: AsyncWebClient, engine: Engine, store: DeliveryStore) -> None:
        self._client = client
        self._engine = engine
        self._store = store

    async def send(self, sender: Sender, replies: list[Outbound], where: Where) -> None:
        messages = []
        for reply in replies:
            if isinstance(reply, CardUpdate):
                await self._show_new_state(sender, reply, where.clicked)
            elif isinstance(reply, Form) and where.trigger_id:
                await self._client.views_open(
                    trigger_id=where.trigger_id, view=form_view(reply).to_dict()
                )
            else:
                messages.append(as_message(reply))
        if not messages:
            return
        channel = where.channel or await self.dm_of(sender)
        await post(self._client, channel, combine(messages))
        for card in filter(None, map(image_of, replies)):
            await upload_image(self._client, channel, card)
        for document in (r for r in replies if isinstance(r, Document)):
            await upload_document(self._client, channel, document)

    async def tell_privately(
        self, sender: Sender, refusals: list[Refusal], channel: str | None
    ) -> None:
        """An ephemeral message in the channel of the click, seen by the clicker only; in
        their DM where there is no such channel (App Home) or Slack refuses it."""
        message = combine([as_message(r) for r in refusals])
        if channel is not None:
            try:
                await post_ephemeral(self._client, channel, sender.user_id, message)
                return
            except SlackApiError as error:
                log.info("no ephemeral in %s: %s", channel, error.response.get("error"))
        await post(self._client, await self.dm_of(sender), message)

    async def _show_new_state(
        self, sender: Sender, card: CardUpdate, clicked: tuple[str, str] | None
    ) -> None:
        """The clicked message shows the card's new state at once; so do the person's other
        copies (the outbox brings everyone else's)."""
        places = {clicked} if clicked else set()
        person = self._engine.who(sender)
        if person is not None:
            for copy in await self._store.posted(card.card_key, person.id, PLATFORM):
                places.add((str(copy["channel"]), str(copy["ts"])))
        for channel, ts in places:
            await update(self._client, channel, ts, as_message(card))

    async def dm_of(self, sender: Sender) -> str:
        person = self._engine.who(sender)
        if person is not None:
            return await dm_channel(self._client, self._store, person)
        # A stranger still gets an answer, in a DM opened just for it.
        response = await self._client.conversations_open(users=sender.user_id)
        return str(response["channel"]["id"])
