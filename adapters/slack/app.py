"""The slack-bolt AsyncApp: listeners that ack, translate, ask the engine, and reply.

Acking after the engine's turn has committed (it takes a few milliseconds) means an
acked request is never lost: if the database is away the listener raises before the
ack, bolt answers 500, and Slack delivers the request again. A turn still running
at ACK_BUDGET is acked anyway, inside Slack's 3-second rule, and finishes after.
It also bounds the work in hand to the requests in flight.

bolt runs with process_before_response: it answers when the listener returns (rather
than polling every 10 ms for an ack), so each listener returns right after its ack
and leaves the replies to a background task. Replies to the person who acted go
back that way (their DM, a modal, or the card they clicked); messages to anyone else
go through the outbox.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.overload import waited
from adapters.slack import translate
from adapters.slack.client import (
    as_message,
    dm_channel,
    image_of,
    post,
    post_ephemeral,
    update,
    upload_document,
    upload_image,
)
from adapters.slack.render import combine, form_errors, form_view, home_view
from bot.engine import Engine, QueueReplies
from bot.messages import (
    ButtonClick,
    CardUpdate,
    Document,
    Form,
    Inbound,
    Outbound,
    Refusal,
    Sender,
)
from storage.addresses import find_address, remember_address
from storage.database import Database
from storage.people import remember_timezone
from storage.posted import find_posted

log = logging.getLogger(__name__)

COMMAND = "/extramile"
LOG_SHORTCUT = "log_action"
FEEDBACK_SHORTCUT = "record_feedback"
ANY = re.compile(".*")
ACK_BUDGET = 2.0  # seconds: Slack wants the ack within 3


@dataclass(frozen=True, slots=True)
class Where:
    """Where the person acted: a DM channel to answer in, a trigger for modals, and the
    message they clicked (channel, ts), which a new card state replaces."""

    channel: str | None
    trigger_id: str | None
    clicked: tuple[str, str] | None = None


class SlackBot:
    """Wires the engine into a bolt AsyncApp."""

    def __init__(
        self,
        *,
        engine: Engine,
        database: Database,
        app: AsyncApp,
        outbox_bell: asyncio.Event | None = None,
    ) -> None:
        self.engine = engine
        self.database = database
        self.app = app
        # The answers to the person who acted are queued in the turn's transaction and
        # sent by the outbox dispatcher, which this bell wakes (see _turn_then_ack).
        self._outbox_bell = outbox_bell
        self._pending: set[asyncio.Task[None]] = set()
        self._register()

    @property
    def client(self) -> AsyncWebClient:
        return self.app.client

    def _register(self) -> None:
        app = self.app
        app.command(COMMAND)(self.on_command)
        app.shortcut(LOG_SHORTCUT)(self.on_log_shortcut)
        app.shortcut(FEEDBACK_SHORTCUT)(self.on_message_shortcut)
        app.action(ANY)(self.on_action)
        app.view_submission(ANY)(self.on_view_submission)
        app.view_closed(ANY)(self.on_view_closed)
        app.event("app_home_opened")(self.on_home_opened)
        app.event("message")(self.on_message)
        app.error(self.on_error)

    # --- entry points -----------------------------------------------------------------

    async def on_command(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        command = translate.SlashCommand.model_validate(body)
        inbound = translate.from_command(command)
        in_dm = command.channel_id.startswith("D")
        where = Where(command.channel_id if in_dm else None, command.trigger_id)
        await self._turn_then_ack(ack, inbound, lambda r: self._reply(inbound.sender, r, where))

    async def on_log_shortcut(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        shortcut = translate.Shortcut.model_validate(body)
        sender = Sender(translate.PLATFORM, shortcut.user.id)
        click = ButtonClick(sender, "menu.log", "", f"slack:shortcut:{shortcut.trigger_id}")
        where = Where(None, shortcut.trigger_id)
        await self._turn_then_ack(ack, click, lambda r: self._reply(sender, r, where))

    async def on_message_shortcut(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        shortcut = translate.MessageShortcut.model_validate(body)
        inbound = translate.from_message_shortcut(shortcut)
        where = Where(None, shortcut.trigger_id)
        await self._turn_then_ack(ack, inbound, lambda r: self._reply(inbound.sender, r, where))

    async def on_action(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        payload = translate.BlockActions.model_validate(body)
        click = translate.from_block_action(payload)
        await self._turn_then_ack(
            ack, click, lambda r: self._after_click(body, payload, click.sender, r)
        )

    async def _after_click(
        self,
        body: dict[str, Any],
        payload: translate.BlockActions,
        sender: Sender,
        replies: list[Outbound],
    ) -> None:
        container = payload.container
        in_dm = container.channel_id is not None and container.channel_id.startswith("D")
        clicked = _clicked_message(container)
        refusals = [r for r in replies if isinstance(r, Refusal)]
        replies = [r for r in replies if not isinstance(r, Refusal)]
        if refusals:
            # Refused: nothing changed, so the card keeps its buttons, and the word why
            # is for the clicker alone.
            await self._tell_privately(sender, refusals, container.channel_id)
        elif not any(isinstance(r, CardUpdate | Form) for r in replies):
            # A click that opens a form keeps its card as it is: the form may be cancelled.
            await self._settle_clicked_card(body, payload)
        await self._reply(
            sender,
            replies,
            Where(container.channel_id if in_dm else None, payload.trigger_id, clicked),
        )

    async def _tell_privately(
        self, sender: Sender, refusals: list[Refusal], channel: str | None
    ) -> None:
        """An ephemeral message in the channel of the click, seen by the clicker only; in
        their DM where there is no such channel (App Home) or Slack refuses it."""
        message = combine([as_message(r) for r in refusals])
        if channel is not None:
            try:
                await post_ephemeral(self.client, channel, sender.user_id, message)
                return
            except SlackApiError as error:
                log.info("no ephemeral in %s: %s", channel, error.response.get("error"))
        await post(self.client, await self._dm_of(sender), message)

    async def on_view_submission(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        payload = translate.ViewSubmission.model_validate(body)
        submission = translate.from_view_submission(payload)
        # The next form comes back in the ack (response_action), the rest through the outbox.
        replies = await self.engine.handle(submission, queue=QueueReplies(forms=False))
        forms = [r for r in replies if isinstance(r, Form)]
        if forms and forms[0].errors:
            await ack(response_action="errors", errors=form_errors(forms[0]))
            return
        if forms:
            # The next form of the same task (the feasibility check) replaces this one.
            await ack(response_action="update", view=form_view(forms[0]).to_dict())
            replies = [r for r in replies if r is not forms[0]]
        else:
            await ack()
        self._ring()
        self._later(self._reply(submission.sender, replies, Where(None, None)))

    async def on_view_closed(self, ack: AsyncAck) -> None:
        await ack()

    async def on_home_opened(self, ack: AsyncAck, event: dict[str, Any]) -> None:
        await ack()
        self._later(self._publish_home(event))

    async def _publish_home(self, event: dict[str, Any]) -> None:
        user = str(event.get("user", ""))
        if event.get("tab", "home") != "home" or not user:
            return
        sender = Sender(translate.PLATFORM, user)
        person = self.engine.who(sender)
        if person is not None and str(event.get("channel", "")).startswith("D"):
            await self._first_contact(person.id, user, str(event["channel"]))
        cards = await self.engine.home(sender)
        await self.client.views_publish(user_id=user, view=home_view(cards).to_dict())

    async def on_message(self, ack: AsyncAck, event: dict[str, Any], body: dict[str, Any]) -> None:
        # Only people writing to the bot in its DM; edits, joins and bots are ignored.
        if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id"):
            await ack()
            return
        message = translate.MessageEvent.model_validate(event)
        inbound = translate.from_message_event(message, str(body.get("event_id", "")))
        person = self.engine.who(inbound.sender)
        if person is not None:
            await self._first_contact(person.id, message.user, message.channel)
        where = Where(message.channel, None)
        await self._turn_then_ack(
            ack, inbound, lambda r: self._reply(inbound.sender, r, where), opens_forms=False
        )

    async def _first_contact(self, person_id: str, user: str, channel: str) -> None:
        """Remember their DM; the first time, also their time zone (Slack's users.info)."""
        known = await find_address(self.database, person_id, translate.PLATFORM)
        await remember_address(self.database, person_id, translate.PLATFORM, {"channel": channel})
        if known is None:
            # A call to Slack: after the ack, not on its path.
            self._later(self._learn_timezone(person_id, user))

    async def _learn_timezone(self, person_id: str, user: str) -> None:
        try:
            profile = await self.client.users_info(user=user)
        except SlackApiError as error:
            log.info("no time zone for %s: %s", user, error.response.get("error"))
            return
        zone = (profile.get("user") or {}).get("tz")
        if zone:
            await remember_timezone(self.database, person_id, str(zone))

    async def _turn_then_ack(
        self,
        ack: AsyncAck,
        inbound: Inbound,
        reply: Callable[[list[Outbound]], Coroutine[Any, Any, None]],
        *,
        opens_forms: bool = True,
    ) -> None:
        """The engine's turn, then the ack, then (in the background) `reply` with what the
        turn answered. See the module's docstring.

        The turn's messages to the person are queued in the outbox in its transaction:
        an acknowledged request's answer survives a crash right after the ack. What is
        shown in place (a card's new state, a modal that needs the trigger id within 3
        seconds) comes back here and is sent directly."""
        queue = QueueReplies(forms=not opens_forms)
        turn = asyncio.ensure_future(self.engine.handle(inbound, queue=queue))
        # The budget counts from the request's arrival, queueing included (adapters.overload).
        done, _ = await asyncio.wait({turn}, timeout=max(ACK_BUDGET - waited(), 0.0))
        if turn in done and turn.exception() is not None:
            turn.result()  # raises before the ack: bolt answers 500 and Slack retries

        async def finish() -> None:
            replies = await turn
            self._ring()  # again, for a turn that committed after the ack
            await reply(replies)

        await ack()
        self._ring()
        self._later(finish())

    def _ring(self) -> None:
        if self._outbox_bell is not None:
            self._outbox_bell.set()

    def _later(self, work: Coroutine[Any, Any, None]) -> None:
        """Run the replies after bolt has answered Slack; kept until done (see drain)."""
        task = asyncio.ensure_future(self._logged(work))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    @staticmethod
    async def _logged(work: Coroutine[Any, Any, None]) -> None:
        try:
            await work
        except Exception:
            log.exception("Slack replies failed after the ack")

    async def drain(self) -> None:
        """Wait for replies still being sent (on shutdown, and in tests)."""
        while self._pending:
            await asyncio.gather(*list(self._pending), return_exceptions=True)

    async def on_error(self, error: Exception, body: dict[str, Any]) -> None:
        if isinstance(error, ValidationError):
            log.warning("Slack payload without the fields we need: %s", error.errors()[:3])
        else:
            log.exception("Slack listener failed", exc_info=error)

    # --- replying to the person who acted ---------------------------------------------------

    async def _reply(self, sender: Sender, replies: list[Outbound], where: Where) -> None:
        messages = []
        for reply in replies:
            if isinstance(reply, CardUpdate):
                await self._show_new_state(sender, reply, where.clicked)
            elif isinstance(reply, Form) and where.trigger_id:
                await self.client.views_open(
                    trigger_id=where.trigger_id, view=form_view(reply).to_dict()
                )
            else:
                messages.append(as_message(reply))
        if not messages:
            return
        channel = where.channel or await self._dm_of(sender)
        await post(self.client, channel, combine(messages))
        for card in filter(None, map(image_of, replies)):
            await upload_image(self.client, channel, card)
        for document in (r for r in replies if isinstance(r, Document)):
            await upload_document(self.client, channel, document)

    async def _show_new_state(
        self, sender: Sender, card: CardUpdate, clicked: tuple[str, str] | None
    ) -> None:
        """The clicked message shows the card's new state at once; so do the person's other
        copies (the outbox brings everyone else's)."""
        places = {clicked} if clicked else set()
        person = self.engine.who(sender)
        if person is not None:
            for copy in await find_posted(self.database, card.card_key, person.id, "slack"):
                places.add((str(copy["channel"]), str(copy["ts"])))
        for channel, ts in places:
            await update(self.client, channel, ts, as_message(card))

    async def _dm_of(self, sender: Sender) -> str:
        person = self.engine.who(sender)
        if person is not None:
            return await dm_channel(self.client, self.database, person)
        # A stranger still gets an answer, in a DM opened just for it.
        response = await self.client.conversations_open(users=sender.user_id)
        return str(response["channel"]["id"])

    async def _settle_clicked_card(
        self, body: dict[str, Any], payload: translate.BlockActions
    ) -> None:
        """Swap the clicked card's buttons for what was chosen: no second click."""
        container = payload.container
        message = body.get("message")
        if container.type != "message" or container.is_ephemeral or not isinstance(message, dict):
            return
        if container.channel_id is None or container.message_ts is None:
            return
        chosen = _clicked_label(body)
        blocks = [b for b in message.get("blocks", []) if b.get("type") != "actions"]
        blocks.append(
            {"type": "context", "elements": [{"type": "plain_text", "text": f"✓ {chosen}"[:150]}]}
        )
        try:
            await self.client.chat_update(
                channel=container.channel_id,
                ts=container.message_ts,
                blocks=blocks,
                text=str(message.get("text") or f"✓ {chosen}"),
            )
        except SlackApiError as error:
            log.info("could not settle clicked card: %s", error.response.get("error"))


def _clicked_message(container: translate.Container) -> tuple[str, str] | None:
    """The (channel, ts) of a clicked message the bot can edit; not ephemeral or modal ones."""
    if container.type != "message" or container.is_ephemeral:
        return None
    if container.channel_id is None or container.message_ts is None:
        return None
    return container.channel_id, container.message_ts


def _clicked_label(body: dict[str, Any]) -> str:
    actions = body.get("actions") or [{}]
    text = actions[0].get("text") or {}
    return str(text.get("text", "Done"))


# Payload kinds and the model each must satisfy before any listener sees it.
_SHAPES: dict[str, type[translate.Loose]] = {
    "block_actions": translate.BlockActions,
    "view_submission": translate.ViewSubmission,
    "shortcut": translate.Shortcut,
    "message_action": translate.MessageShortcut,
}


def payload_problem(body: object) -> str | None:
    """Why a (signed) payload cannot be handled, or None. Checked before bolt sees it,
    since bolt itself trips over some malformed payloads (an empty `actions` list, a
    list for a body, a number for a team): those are 400s, not 500s."""
    if not isinstance(body, dict):
        log.warning("malformed Slack payload: a JSON %s, not an object", type(body).__name__)
        return "malformed payload"
    kind = "command" if "command" in body else str(body.get("type", ""))
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
