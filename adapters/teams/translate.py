"""Teams activities -> the engine's inbound messages (pure functions)."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictStr, ValidationError, model_validator

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


class _Account(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: StrictStr = Field(min_length=1)
    name: StrictStr | None = None
    aadObjectId: StrictStr | None = None


class _Conversation(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: StrictStr = Field(min_length=1)
    conversationType: StrictStr | None = None
    tenantId: StrictStr | None = None
    isGroup: bool | None = None


class _Ref(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: StrictStr = Field(min_length=1)


class _ChannelData(BaseModel):
    """What the bot reads of Teams' channelData (the tenant, and the team it was added to)."""

    model_config = ConfigDict(extra="allow")

    tenant: _Ref | None = None
    team: _Ref | None = None
    channel: _Ref | None = None


class ActivityShape(BaseModel):
    """The parts of an Activity the bot relies on, in the types it relies on.

    Checked on the raw JSON before botbuilder sees it: its deserialiser lets a dict
    through as `text` and a missing `conversation` through as None, and the turn
    then fails deep inside with a 500."""

    model_config = ConfigDict(extra="allow", populate_by_name=False)

    type: StrictStr = Field(min_length=1)
    id: StrictStr | None = None
    channelId: StrictStr = Field(min_length=1)
    serviceUrl: StrictStr = Field(min_length=1)
    sender: _Account = Field(alias="from")
    recipient: _Account
    conversation: _Conversation
    channelData: _ChannelData | None = None
    text: StrictStr | None = None
    name: StrictStr | None = None
    replyToId: StrictStr | None = None
    localTimezone: StrictStr | None = Field(default=None, max_length=100)
    membersAdded: list[_Account] | None = None
    membersRemoved: list[_Account] | None = None
    attachments: list[dict[str, Any]] | None = None
    entities: list[dict[str, Any]] | None = None

    @model_validator(mode="after")
    def _an_invoke_is_named(self) -> ActivityShape:
        if self.type == "invoke" and not self.name:
            raise ValueError("an invoke needs a name")
        return self


def activity_problem(body: dict[str, Any]) -> str | None:
    """What is wrong with this Activity's shape, in a few words; None if nothing."""
    try:
        ActivityShape.model_validate(body)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "activity"
        return f"{where}: {first['msg']}"
    return None


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
