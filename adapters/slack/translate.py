"""Slack payloads -> the engine's inbound messages (pure functions, typed models).

The pydantic models name only the fields we read; Slack sends many more, which
are ignored. A payload that lacks what we need raises `ValidationError`, which
the caller turns into a 400 or a friendly reply.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from adapters.slack.render import engine_action_id, engine_button_value, unescape
from bot.messages import (
    Address,
    ButtonClick,
    FormSubmission,
    QuotedMessage,
    Sender,
    TextMessage,
)

PLATFORM = "slack"


class Loose(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class SlashCommand(Loose):
    command: str
    text: str = ""
    user_id: str
    channel_id: str
    trigger_id: str
    response_url: str | None = None


class UserRef(Loose):
    id: str


class ChannelRef(Loose):
    id: str


class Container(Loose):
    type: str
    channel_id: str | None = None
    message_ts: str | None = None
    is_ephemeral: bool = False


class Action(Loose):
    action_id: str
    value: str | None = None


class BlockActions(Loose):
    user: UserRef
    trigger_id: str
    actions: list[Action] = Field(min_length=1)
    container: Container
    channel: ChannelRef | None = None
    response_url: str | None = None


class ViewState(Loose):
    values: dict[str, dict[str, dict[str, object]]] = {}


class SubmittedView(Loose):
    id: str
    type: str  # bolt reads it to tell a workflow step from a modal
    callback_id: str
    private_metadata: str = ""
    state: ViewState = ViewState()


class ViewSubmission(Loose):
    user: UserRef
    trigger_id: str
    view: SubmittedView


class Shortcut(Loose):
    callback_id: str
    trigger_id: str
    user: UserRef


class QuotedSlackMessage(Loose):
    text: str = ""
    user: str | None = None
    bot_id: str | None = None


class MessageShortcut(Loose):
    callback_id: str
    trigger_id: str
    user: UserRef
    channel: ChannelRef
    message: QuotedSlackMessage


class MessageEvent(Loose):
    user: str
    text: str = ""
    channel: str
    channel_type: str | None = None
    subtype: str | None = None
    bot_id: str | None = None


class Shape(Loose):
    """The fields slack-bolt reads from every payload to build its context (the ids of the
    workspace, user and channel, the response URL), each of the type bolt assumes: a
    payload that differs trips bolt over with a TypeError. Checked before bolt sees it."""

    type: str | None = None
    command: str | None = None
    team: str | dict[str, Any] | None = None
    team_id: str | None = None
    enterprise: str | dict[str, Any] | None = None
    enterprise_id: str | None = None
    user: str | dict[str, Any] | None = None
    user_id: str | None = None
    channel: str | dict[str, Any] | None = None
    channel_id: str | None = None
    view: dict[str, Any] | None = None
    actions: list[dict[str, Any]] | None = None
    response_url: str | None = None
    response_urls: list[dict[str, Any]] | None = None
    is_enterprise_install: bool | str | None = None
    is_ext_shared_channel: bool | None = None
    authorizations: list[Shape] | None = None
    message: Shape | None = None
    previous_message: Shape | None = None
    item: Shape | None = None
    assistant_thread: Shape | None = None
    function_data: dict[str, Any] | None = None


class EventShape(Shape):
    type: str
    user_team: str | None = None
    subtype: str | None = None
    channel_type: str | None = None
    bot_id: str | None = None
    tab: str | None = None
    text: str | None = None


class Envelope(Shape):
    """A whole payload: an event callback's `event` is itself a Shape, with a type."""

    event: EventShape | None = None


def from_command(command: SlashCommand) -> TextMessage:
    text = unescape(command.text).strip()
    # `/extramile` alone opens the log form.
    return TextMessage(
        Sender(PLATFORM, command.user_id), text or "log", f"slack:command:{command.trigger_id}"
    )


def from_block_action(payload: BlockActions) -> ButtonClick:
    action = payload.actions[0]
    return ButtonClick(
        Sender(PLATFORM, payload.user.id),
        engine_action_id(action.action_id),
        engine_button_value(action.value or ""),
        f"slack:action:{payload.trigger_id}",
    )


def from_view_submission(payload: ViewSubmission) -> FormSubmission:
    values: dict[str, str] = {}
    for block_id, by_action in payload.view.state.values.items():
        for element in by_action.values():
            values[block_id] = _element_value(element)
    form_id = payload.view.private_metadata or payload.view.callback_id
    return FormSubmission(
        Sender(PLATFORM, payload.user.id), form_id, values, f"slack:view:{payload.trigger_id}"
    )


def _element_value(element: dict[str, object]) -> str:
    match element.get("type"):
        case "static_select" | "radio_buttons":
            selected = element.get("selected_option")
            return str(selected.get("value", "")) if isinstance(selected, dict) else ""
        case "checkboxes":
            ticked = element.get("selected_options")
            ticks = ticked if isinstance(ticked, list) else []
            return ",".join(str(t.get("value", "")) for t in ticks if isinstance(t, dict))
        case "datepicker":
            return str(element.get("selected_date") or "")
        case _:
            return str(element.get("value") or "")


def from_message_shortcut(payload: MessageShortcut) -> QuotedMessage:
    return QuotedMessage(
        Sender(PLATFORM, payload.user.id),
        unescape(payload.message.text),
        payload.message.user or payload.message.bot_id,
        f"slack:shortcut:{payload.trigger_id}",
    )


def from_message_event(event: MessageEvent, event_id: str) -> TextMessage:
    """A message in the bot's DM: it carries that DM, where to reach the person again."""
    return TextMessage(
        Sender(PLATFORM, event.user),
        unescape(event.text),
        f"slack:event:{event_id}",
        address=Address({"channel": event.channel}),
    )
