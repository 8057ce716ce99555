"""A clicked card, after the turn: refused (the word why, to the clicker alone; the card
keeps its buttons), settled (its buttons swapped for what was chosen: no second click),
or left as it is when the click opened a form, which may yet be cancelled."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import ActionsBlock, Block, ContextBlock, PlainTextObject
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import translate
from adapters.slack.replies import Replies, Where
from bot.messages import CardUpdate, Form, Outbound, Refusal, Sender

log = logging.getLogger(__name__)
CHOSEN_TEXT = 150  # the "✓ Approve" line under a settled card


class Clicks:
    def __init__(self, *, client: AsyncWebClient, replies: Replies) -> None:
        self._client = client
        self._replies = replies

    async def after(
        self,
        body: dict[str, Any],
        payload: translate.BlockActions,
        sender: Sender,
        replies: list[Outbound],
    ) -> None:
        container = payload.container
        in_dm = container.channel_id is not None and container.channel_id.startswith("D")
        clicked = clicked_message(container)
        refusals = [r for r in replies if isinstance(r, Refusal)]
        replies = [r for r in replies if not isinstance(r, Refusal)]
        if refusals:
            # Refused: nothing changed, so the card keeps its buttons, and the word why
            # is for the clicker alone.
            await self._replies.tell_privately(sender, refusals, container.channel_id)
        elif not any(isinstance(r, CardUpdate | Form) for r in replies):
            # A click that opens a form keeps its card as it is: the form may be cancelled.
            await self._settle(body, payload)
        await self._replies.send(
            sender,
            replies,
            Where(container.channel_id if in_dm else None, payload.trigger_id, clicked),
        )

    async def _settle(self, body: dict[str, Any], payload: translate.BlockActions) -> None:
        """Swap the clicked card's buttons for what was chosen: no second click."""
        container = payload.container
        message = body.get("message")
        if container.type != "message" or container.is_ephemeral or not isinstance(message, dict):
            return
        if container.channel_id is None or container.message_ts is None:
            return
        chosen = clicked_label(body)
        try:
            await self._client.chat_update(
                channel=container.channel_id,
                ts=container.message_ts,
                blocks=[block.to_dict() for block in settled(message.get("blocks"), chosen)],
                text=str(message.get("text") or f"✓ {chosen}"),
            )
        except SlackApiError as error:
            log.info("could not settle clicked card: %s", error.response.get("error"))


def settled(blocks: object, chosen: str) -> list[Block]:
    """The card's blocks as Slack sent them back, without its buttons, and a line saying
    what was chosen."""
    kept = [
        block
        for block in Block.parse_all(blocks if isinstance(blocks, list) else [])
        if block is not None and not isinstance(block, ActionsBlock)
    ]
    note = ContextBlock(elements=[PlainTextObject(text=f"✓ {chosen}"[:CHOSEN_TEXT])])
    return [*kept, note]


def clicked_message(container: translate.Container) -> tuple[str, str] | None:
    """The (channel, ts) of a clicked message the bot can edit; not ephemeral or modal ones."""
    if container.type != "message" or container.is_ephemeral:
        return None
    if container.channel_id is None or container.message_ts is None:
        return None
    return container.channel_id, container.message_ts


def clicked_label(body: dict[str, Any]) -> str:
    actions = body.get("actions") or [{}]
    text = actions[0].get("text") or {}
    return str(text.get("text", "Done"))
