"""Teams activities -> the engine's inbound messages (pure functions)."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from adapters.teams.cards import MENU_SEPARATOR, MENU_VERB, SUBMIT_VERB
from bot.messages import ButtonClick, FormSubmission, Sender, TextMessage

PLATFORM = "teams"
_MENTION = re.compile(r"<at>.*?</at>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
# Keys the cards put in action data for themselves; everything else is an input.
_META = frozenset({"value", "label", "card", "form_id", "from_menu", "action_id", "msteams"})


class ActionData(BaseModel):
    """What an Action.Execute or Action.Submit carries, plus the card's inputs."""

    model_config = ConfigDict(extra="allow")

    value: str = ""
    label: str = ""
    card: str = ""
    form_id: str = ""
    from_menu: bool = False
    action_id: str = ""

    def inputs(self) -> dict[str, str]:
        extra = self.model_extra or {}
        return {k: "" if v is None else str(v) for k, v in extra.items() if k not in _META}


class InvokeAction(BaseModel):
    model_config = ConfigDict(extra="ignore")

    type: str = "Action.Execute"
    verb: str
    data: ActionData = ActionData()


class InvokeValue(BaseModel):
    model_config = ConfigDict(extra="ignore")

    action: InvokeAction


def sender_of(aad_object_id: str | None, user_id: str) -> Sender:
    # The organisation file names people by AAD object id; fall back to the Teams id.
    return Sender(PLATFORM, aad_object_id or user_id)


def plain_text(text: str) -> str:
    """A personal-chat message as typed: no <at> mention of the bot, no HTML tags."""
    without_mentions = _MENTION.sub("", text)
    return _TAG.sub("", without_mentions).replace("&nbsp;", " ").strip()


def from_text(sender: Sender, text: str, activity_id: str) -> TextMessage:
    return TextMessage(sender, plain_text(text), f"teams:{activity_id}")


def from_action(
    sender: Sender, verb: str, data: ActionData, activity_id: str
) -> ButtonClick | FormSubmission:
    key = f"teams:{activity_id}"
    if verb == SUBMIT_VERB:
        return FormSubmission(sender, data.form_id, data.inputs(), key)
    value = data.inputs().get("choice", data.value) if data.from_menu else data.value
    if verb == MENU_VERB:
        verb, _, value = value.partition(MENU_SEPARATOR)
    return ButtonClick(sender, verb, value, key)


def from_submit_value(
    sender: Sender, value: dict[str, Any], activity_id: str
) -> ButtonClick | FormSubmission | None:
    """A message carrying an Action.Submit `value` (older clients, or cards from elsewhere)."""
    try:
        data = ActionData.model_validate(value)
    except ValidationError:
        return None
    if data.form_id:
        return from_action(sender, SUBMIT_VERB, data, activity_id)
    verb = data.action_id or str((data.model_extra or {}).get("verb", ""))
    return from_action(sender, verb, data, activity_id) if verb else None


def invoke_value(value: Any) -> InvokeValue | None:
    try:
        return InvokeValue.model_validate(value)
    except ValidationError:
        return None
