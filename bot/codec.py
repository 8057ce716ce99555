"""Outbound messages to and from JSON, for the outbox table."""

from __future__ import annotations

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
    if isinstance(message, Replies):
        # Each item carries its own kind: the item types share field names.
        return {"kind": "replies", "items": [dump_outbound(item) for item in message.items]}
    kind = next(k for k, cls in _KINDS.items() if isinstance(message, cls))
    return {"kind": kind, "body": _ADAPTERS[kind].dump_python(message, mode="json")}


def load_outbound(data: dict[str, object]) -> Outbound:
    kind = str(data["kind"])
    if kind == "replies":
        items = data["items"]
        assert isinstance(items, list)
        loaded = tuple(load_outbound(item) for item in items)
        return Replies(tuple(i for i in loaded if isinstance(i, Text | Card | Form | Document)))
    message: Outbound = _ADAPTERS[kind].validate_python(data["body"])
    return message
