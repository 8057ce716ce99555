"""Outbound messages to and from JSON, for the outbox table.

Bytes stored as a blob (a card's picture with an `image_id`, a document with a `blob_id`)
travel by id only: the inline base64 copy is left out of the JSON (bot.reports.attachments puts it
back to send). Rows written before blobs, with the bytes inline, load as they are.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from pydantic import TypeAdapter

from bot.messages import Card, CardUpdate, Document, Form, Outbound, Refusal, Replies, Text

_KINDS: dict[str, type[Any]] = {
    "text": Text,
    "card": Card,
    "form": Form,
    "update": CardUpdate,
    "document": Document,
    "refusal": Refusal,  # never queued by the flows; kept whole should an adapter store it
}
_ADAPTERS = {kind: TypeAdapter(cls) for kind, cls in _KINDS.items()}


def dump_outbound(message: Outbound) -> dict[str, object]:
    message = _by_reference(message)
    if isinstance(message, Replies):
        # Each item carries its own kind: the item types share field names.
        return {"kind": "replies", "items": [dump_outbound(item) for item in message.items]}
    kind = next(k for k, cls in _KINDS.items() if isinstance(message, cls))
    return {"kind": kind, "body": _ADAPTERS[kind].dump_python(message, mode="json")}


def _by_reference(message: Outbound) -> Outbound:
    """The message without the inline copy of bytes it references by id."""
    if isinstance(message, Card) and message.image_id is not None and message.image_png_b64:
        return replace(message, image_png_b64="")
    if isinstance(message, CardUpdate):
        card = _by_reference(message.card)
        assert isinstance(card, Card)
        return replace(message, card=card)
    if isinstance(message, Document) and message.blob_id is not None and message.content_b64:
        return replace(message, content_b64="")
    return message


def load_outbound(data: dict[str, object]) -> Outbound:
    kind = str(data["kind"])
    if kind == "replies":
        items = data["items"]
        assert isinstance(items, list)
        loaded = tuple(load_outbound(item) for item in items)
        return Replies(tuple(i for i in loaded if isinstance(i, Text | Card | Form | Document)))
    message: Outbound = _ADAPTERS[kind].validate_python(data["body"])
    return message
