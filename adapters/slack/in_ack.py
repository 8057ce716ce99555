"""A slash command answered in its ack body, where Slack shows it as a message.

Only a command typed in the person's own DM with the bot is answered this way, with
`response_type: in_channel`: the answer is then a message in that DM, as a posted one
would be, without a chat.postMessage (most of the cost of a command, and Slack's limit
of about one message a second in a channel). In any other channel the answer still goes
to their DM: an in-channel answer there would show it to everyone, and an ephemeral one
vanishes when the app reloads. A DM with a colleague looks the same (a "D" channel), so
the bot's own DM must be known: remembered when the person first wrote to the bot or
the bot to them.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from slack_bolt.async_app import AsyncAck

from adapters.slack.client import PLATFORM, as_message, image_of, known_dm
from adapters.slack.render import SlackMessage, combine
from bot.delivery.messenger import DeliveryStore
from bot.engine import Engine
from bot.messages import Card, Form, Outbound, Sender, Text

log = logging.getLogger(__name__)


def fits_in_ack(replies: Sequence[Outbound]) -> bool:
    """Whether a command's answer can be its ack body: messages nothing replaces later
    (the ack's message has no ts to update), with no picture or file (those are
    uploaded), and forms (opened with the trigger id right after the ack)."""
    return all(isinstance(r, Form) or shown_in_ack(r) for r in replies)


def shown_in_ack(reply: Outbound) -> bool:
    """A message a command's ack can show (see `fits_in_ack`)."""
    if isinstance(reply, Card):
        return reply.card_key is None and image_of(reply) is None
    return isinstance(reply, Text)


def for_the_ack(replies: Sequence[Outbound]) -> tuple[SlackMessage | None, list[Outbound]]:
    """The messages among a command's answer that its ack shows, as one (None if there
    are none), and the rest of the answer (a form to open, what is sent as usual). One
    message is the rendered one itself, whose Block Kit JSON is made once (a help card
    is sent often)."""
    shown = [as_message(r) for r in replies if shown_in_ack(r)]
    rest = [r for r in replies if not shown_in_ack(r)]
    if len(shown) > 1:
        return combine(shown), rest
    return (shown[0] if shown else None), rest


async def ack_with(ack: AsyncAck, message: SlackMessage) -> None:
    """Acknowledge with the message shown in the command's channel."""
    await ack(
        text=message.text,
        blocks=message.blocks_json(),
        response_type="in_channel",
        unfurl_links=False,
        unfurl_media=False,
    )


class BotDms:
    """Each person's DM channel with the bot, as far as it is known. Held once read: the
    DM between a person and an app never changes."""

    def __init__(self, *, engine: Engine, store: DeliveryStore) -> None:
        self._engine = engine
        self._store = store
        self._known: dict[str, str] = {}  # Slack user id -> their DM channel with the bot

    async def is_bot_dm(self, user_id: str, channel_id: str) -> bool:
        if not channel_id.startswith("D"):
            return False
        if user_id in self._known:
            return self._known[user_id] == channel_id
        person = self._engine.who(Sender(PLATFORM, user_id))
        if person is None:
            return False
        try:
            channel = await known_dm(self._store, person)
        except Exception as error:  # the database is away: answered the usual way
            log.warning("could not read a DM channel: %s", error)
            return False
        if channel is not None:
            self._known[user_id] = channel
        return channel == channel_id
