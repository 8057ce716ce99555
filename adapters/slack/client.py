"""Talking to Slack's Web API: direct messages, posting, and reading its errors."""

from __future__ import annotations

import base64
import logging
from dataclasses import dataclass
from functools import lru_cache

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.render import SlackMessage, card_message, combine, text_message
from bot.delivery.messenger import DeliveryStore
from bot.domain.org import Person
from bot.messages import (
    Button,
    ButtonStyle,
    Card,
    CardUpdate,
    Document,
    Form,
    Outbound,
    Refusal,
    Replies,
    Text,
)
from bot.routes import OPEN_FORM

log = logging.getLogger(__name__)
PLATFORM = "slack"


async def dm_channel(client: AsyncWebClient, store: DeliveryStore, person: Person) -> str:
    """The person's DM channel with the bot: remembered, else opened once and remembered."""
    if (known := await known_dm(store, person)) is not None:
        return known
    assert person.slack is not None
    response = await client.conversations_open(users=person.slack)
    channel = str(response["channel"]["id"])
    await store.remember_address(person.id, PLATFORM, {"channel": channel})
    return channel


def as_message(message: Outbound) -> SlackMessage:
    """The message in Block Kit. The same message (help, a menu, a prompt sent to
    everyone) is rendered once: messages are frozen, so equal ones render the same.
    Pictures and documents are not kept (large, and rarely sent twice)."""
    if not _small(message):
        return _render(message)
    try:
        return _rendered(message)
    except TypeError:  # unhashable after all: rendered each time
        return _render(message)


def _small(message: Outbound) -> bool:
    if isinstance(message, Replies):
        return all(_small(item) for item in message.items)
    return not isinstance(message, Document) and image_of(message) is None


@lru_cache(maxsize=256)
def _rendered(message: Outbound) -> SlackMessage:
    return _render(message)


def _render(message: Outbound) -> SlackMessage:
    match message:
        case Text():
            return text_message(message)
        case Refusal(text=text):
            return text_message(Text(text))
        case Card():
            return card_message(message)
        case CardUpdate(card=card):
            return card_message(card)
        case Form(title=title):
            # A form needs a trigger id to open; offer a button that gives one.
            return card_message(Card(title=title, buttons=_open_form_button(message)))
        case Document(title=title):
            return text_message(Text(f"📄 {title} (the file follows)"))
        case Replies(items=items):
            return combine([_render(item) for item in items])


def _open_form_button(form: Form) -> tuple[Button, ...]:
    return (Button("Open the form", OPEN_FORM, form.form_id, ButtonStyle.PRIMARY),)


METADATA_TYPE = "extramile_outbox"


@dataclass(frozen=True, slots=True)
class Posted:
    channel: str  # a DM's channel id, also when the message was addressed to a user id
    ts: str


async def known_dm(store: DeliveryStore, person: Person) -> str | None:
    known = await store.address(person.id, PLATFORM)
    channel = known.get("channel") if known else None
    return channel if isinstance(channel, str) else None


async def post(
    client: AsyncWebClient, channel: str, message: SlackMessage, *, key: str | None = None
) -> Posted:
    """Post a message; with `key`, tag it (message metadata) so a retry can find it.

    `channel` may be a user id: Slack then posts in the app's DM with them (no
    conversations.open first, which is rate-limited far below chat.postMessage)."""
    metadata = {"event_type": METADATA_TYPE, "event_payload": {"key": key}} if key else None
    response = await client.chat_postMessage(
        channel=channel,
        text=message.text,
        blocks=message.blocks_json(),
        unfurl_links=False,
        unfurl_media=False,
        metadata=metadata,
    )
    return Posted(channel=str(response.get("channel") or channel), ts=str(response["ts"]))


async def post_ephemeral(
    client: AsyncWebClient, channel: str, user: str, message: SlackMessage
) -> None:
    """A message only `user` sees, in `channel` (gone when they reload; never stored)."""
    await client.chat_postEphemeral(
        channel=channel, user=user, text=message.text, blocks=message.blocks_json()
    )


async def already_posted(client: AsyncWebClient, channel: str, key: str) -> str | None:
    """The ts of a message tagged with this outbox key among the channel's latest, if any."""
    history = await client.conversations_history(
        channel=channel, limit=30, include_all_metadata=True
    )
    for message in history.get("messages") or []:
        metadata = message.get("metadata") or {}
        if metadata.get("event_type") == METADATA_TYPE and (
            (metadata.get("event_payload") or {}).get("key") == key
        ):
            return str(message.get("ts"))
    return None


async def upload_image(client: AsyncWebClient, channel: str, card: Card) -> None:
    """Slack's external upload flow (getUploadURLExternal, upload, completeUploadExternal):
    the chart appears in the channel right under the card."""
    await client.files_upload_v2(
        channel=channel,
        content=base64.b64decode(card.image_png_b64),
        filename="extramile-trend.png",
        title=card.image_alt[:250] or card.title[:250],
        alt_txt=card.image_alt[:1000],
    )


async def upload_document(client: AsyncWebClient, channel: str, document: Document) -> None:
    """Slack's external upload flow, to the person's DM."""
    await client.files_upload_v2(
        channel=channel,
        content=base64.b64decode(document.content_b64),
        filename=document.filename,
        title=document.title[:250],
    )


def image_of(message: Outbound) -> Card | None:
    card = message.card if isinstance(message, CardUpdate) else message
    return card if isinstance(card, Card) and card.image_png_b64 else None


async def update(client: AsyncWebClient, channel: str, ts: str, message: SlackMessage) -> None:
    await client.chat_update(
        channel=channel, ts=ts, text=message.text, blocks=message.blocks_json()
    )


def retry_after(error: SlackApiError) -> float | None:
    if error.response.status_code != 429:
        return None
    value = error.response.headers.get("Retry-After") or error.response.headers.get("retry-after")
    try:
        return float(value) if value is not None else 1.0
    except (TypeError, ValueError):
        return 1.0
