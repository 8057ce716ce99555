"""Checks on a signed Slack payload before bolt sees it: a 400 for what cannot be handled."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from adapters.slack import translate

log = logging.getLogger(__name__)


# Payload kinds and the model each must satisfy before any listener sees it.
_SHAPES: dict[str, type[translate.Loose]] = {
    "block_actions": translate.BlockActions,
    "view_submission": translate.ViewSubmission,
    "shortcut": translate.Shortcut,
    "message_action": translate.MessageShortcut,
}


def payload_kind(body: Mapping[str, object]) -> str:
    """What a payload is: "command" for a slash command, else its `type`."""
    return "command" if "command" in body else str(body.get("type", ""))


def payload_problem(body: object) -> str | None:
    """Why a (signed) payload cannot be handled, or None. Checked before bolt sees it,
    since bolt itself trips over some malformed payloads (an empty `actions` list, a
    list for a body, a number for a team): those are 400s, not 500s."""
    if not isinstance(body, dict):
        log.warning("malformed Slack payload: a JSON %s, not an object", type(body).__name__)
        return "malformed payload"
    kind = payload_kind(body)
    event = body.get("event")
    try:
        translate.Envelope.model_validate(body)
        model = translate.SlashCommand if kind == "command" else _SHAPES.get(kind)
        if model is not None:
            model.model_validate(body)
        if isinstance(event, dict) and _is_dm_to_the_bot(event):
            translate.MessageEvent.model_validate(event)
    except ValidationError as error:
        # Where and what, never the values (they may be anything a person typed).
        where = [(".".join(map(str, e["loc"])), e["type"]) for e in error.errors()[:3]]
        log.warning("malformed Slack %s payload: %s", kind or "unknown", where)
        return f"malformed {kind or 'unknown'} payload"
    return None


def _is_dm_to_the_bot(event: dict[str, Any]) -> bool:
    """A message event on_message hands to the engine (others it acknowledges and drops)."""
    return (
        event.get("type") == "message"
        and event.get("channel_type") == "im"
        and not event.get("subtype")
        and not event.get("bot_id")
    )
