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

The work after the ack lives beside this module: replies (to the person who acted),
clicks (the clicked card), home (App Home), first_contact (a time zone from users.info);
payloads checks a payload before bolt sees it. adapters.background keeps that work.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable, Coroutine
from functools import partial
from typing import Any

from pydantic import ValidationError
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from adapters.background import Background
from adapters.overload import longest_wait, waited
from adapters.slack import translate
from adapters.slack.clicks import Clicks
from adapters.slack.first_contact import FirstContact
from adapters.slack.home import HomeTab
from adapters.slack.in_ack import BotDms, ack_with, fits_in_ack, for_the_ack, shown_in_ack
from adapters.slack.payloads import payload_kind
from adapters.slack.render import form_errors, form_view
from adapters.slack.replies import Replies, Where
from bot.delivery.messenger import DeliveryStore
from bot.engine import Engine
from bot.features.general.flow import Menu
from bot.intake import current_row
from bot.messages import ButtonClick, Form, Inbound, Outbound, Sender
from bot.queued_replies import QueueReplies

log = logging.getLogger(__name__)

COMMAND = "/extramile"
LOG_SHORTCUT = "log_action"
FEEDBACK_SHORTCUT = "record_feedback"
ANY = re.compile(".*")
ACK_BUDGET = 2.0  # seconds: Slack wants the ack within 3
# Seconds the longest-waiting request may have waited for a command to be answered in
# its ack; past it the route is behind, and the inbox acknowledges at once.
KEEPING_UP = 0.25


class SlackBot:
    """Wires the engine into a bolt AsyncApp."""

    def __init__(
        self,
        *,
        engine: Engine,
        store: DeliveryStore,
        app: AsyncApp,
        outbox_bell: asyncio.Event | None = None,
    ) -> None:
        self.engine = engine
        self.app = app
        # The answers to the person who acted are queued in the turn's transaction and
        # sent by the outbox dispatcher, which this bell wakes (see _turn_then_ack).
        self._outbox_bell = outbox_bell
        self._background = Background("Slack replies")
        self._replies = Replies(client=app.client, engine=engine, store=store)
        self._clicks = Clicks(client=app.client, replies=self._replies)
        self._first_contact = FirstContact(
            client=app.client, store=store, background=self._background
        )
        self._home = HomeTab(client=app.client, engine=engine, first_contact=self._first_contact)
        self._dms = BotDms(engine=engine, store=store)
        self._register()

    def waits_for(self, inbox_drain: Callable[[], Awaitable[None]]) -> None:
        """`drain` first waits for the inbox's requests to be replayed (bot.intake)."""
        self._background.first = inbox_drain

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

    async def answers_in_ack(self, body: dict[str, object]) -> bool:
        """A slash command from the person's own DM with the bot, while the route keeps
        up: its turn runs before the ack, which carries the answer (adapters.slack.in_ack).
        Once requests wait (a burst), it goes through the inbox instead, acknowledged at
        once and answered just after, so that the burst is not refused."""
        return (
            payload_kind(body) == "command"
            and longest_wait() < KEEPING_UP
            and await self._dms.is_bot_dm(
                str(body.get("user_id", "")), str(body.get("channel_id", ""))
            )
        )

    async def on_command(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        command = translate.SlashCommand.model_validate(body)
        inbound = translate.from_command(command)
        in_dm = command.channel_id.startswith("D")
        where = Where(command.channel_id if in_dm else None, command.trigger_id)
        # Replayed from the inbox, it was acknowledged already.
        in_ack = current_row() is None and await self.answers_in_ack(body)
        await self._turn_then_ack(
            ack, inbound, lambda r: self._replies.send(inbound.sender, r, where), in_ack=in_ack
        )

    async def on_log_shortcut(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        shortcut = translate.Shortcut.model_validate(body)
        sender = Sender(translate.PLATFORM, shortcut.user.id)
        click = ButtonClick(sender, Menu.LOG, "", f"slack:shortcut:{shortcut.trigger_id}")
        where = Where(None, shortcut.trigger_id)
        await self._turn_then_ack(ack, click, lambda r: self._replies.send(sender, r, where))

    async def on_message_shortcut(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        shortcut = translate.MessageShortcut.model_validate(body)
        inbound = translate.from_message_shortcut(shortcut)
        where = Where(None, shortcut.trigger_id)
        await self._turn_then_ack(
            ack, inbound, lambda r: self._replies.send(inbound.sender, r, where)
        )

    async def on_action(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        payload = translate.BlockActions.model_validate(body)
        click = translate.from_block_action(payload)
        await self._turn_then_ack(
            ack, click, lambda r: self._clicks.after(body, payload, click.sender, r)
        )

    async def on_view_submission(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        payload = translate.ViewSubmission.model_validate(body)
        submission = translate.from_view_submission(payload)
        # The next form comes back in the ack (response_action), the rest through the outbox.
        replies = await self.engine.handle(
            submission, queue=QueueReplies(forms=False, rung=self._ring)
        )
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
        self._background.later(self._replies.send(submission.sender, replies, Where(None, None)))

    async def on_view_closed(self, ack: AsyncAck) -> None:
        await ack()

    async def on_home_opened(self, ack: AsyncAck, event: dict[str, Any]) -> None:
        await ack()
        self._background.later(self._home.publish(event))

    async def on_message(self, ack: AsyncAck, event: dict[str, Any], body: dict[str, Any]) -> None:
        # Only people writing to the bot in its DM; edits, joins and bots are ignored.
        if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id"):
            await ack()
            return
        message = translate.MessageEvent.model_validate(event)
        # It carries its DM channel, which the engine saves with the turn.
        inbound = translate.from_message_event(message, str(body.get("event_id", "")))
        where = Where(message.channel, None)
        person = self.engine.who(inbound.sender)
        # Their time zone (users.info), the first time: after the ack.
        noticed = person and partial(self._first_contact.noticed, person.id, message.user)
        await self._turn_then_ack(
            ack,
            inbound,
            lambda r: self._replies.send(inbound.sender, r, where),
            opens_forms=False,
            then=noticed or None,
        )

    async def _turn_then_ack(
        self,
        ack: AsyncAck,
        inbound: Inbound,
        reply: Callable[[list[Outbound]], Coroutine[Any, Any, None]],
        *,
        opens_forms: bool = True,
        then: Callable[[], None] | None = None,
        in_ack: bool = False,
    ) -> None:
        """The engine's turn, then the ack, then (in the background) `reply` with what the
        turn answered. See the module's docstring. `then` runs right after the ack.

        The turn's messages to the person are queued in the outbox in its transaction:
        an acknowledged request's answer survives a crash right after the ack. What is
        shown in place (a card's new state, a modal that needs the trigger id within 3
        seconds) comes back here and is sent directly. With `in_ack`, an answer that
        fits (adapters.slack.in_ack) is the ack's body instead, if the turn is in time."""
        queue = QueueReplies(
            forms=not opens_forms, rung=self._ring, answer_here=fits_in_ack if in_ack else None
        )
        # Answered in its ack, a command is never delivered again (Slack does not retry
        # commands, and it does not go through the inbox): claimed only if it writes.
        turn = asyncio.ensure_future(self.engine.handle(inbound, queue=queue, once=in_ack))
        # The budget counts from the request's arrival, queueing included (adapters.overload).
        # A request replayed from the inbox was acknowledged already: its turn is awaited.
        budget = None if current_row() is not None else max(ACK_BUDGET - waited(), 0.0)
        done, _ = await asyncio.wait({turn}, timeout=budget)
        if turn in done and turn.exception() is not None:
            turn.result()  # raises before the ack: bolt answers 500 and Slack retries
        shown, rest = for_the_ack(turn.result()) if in_ack and turn in done else (None, [])

        async def finish() -> None:
            # What the ack showed is not sent again (a form it left still opens).
            replies = rest if shown else await self._missed_the_ack(inbound, await turn, queue)
            self._ring()  # again, for a turn that committed after the ack
            await reply(replies)

        await (ack_with(ack, shown) if shown else ack())
        if then is not None:
            then()
        self._ring()
        self._background.later(finish())

    async def _missed_the_ack(
        self, inbound: Inbound, replies: list[Outbound], queue: QueueReplies
    ) -> list[Outbound]:
        """An answer kept for the ack that went out without it (the turn ran past the
        budget) is queued now, as durable as any other; the rest comes back to send."""
        if queue.answer_here is None or not any(map(shown_in_ack, replies)):
            return replies
        return await self.engine.queue_answer(inbound, replies, queue)

    def _ring(self) -> None:
        if self._outbox_bell is not None:
            self._outbox_bell.set()

    async def drain(self, *, inbox: bool = True) -> None:
        """Wait for the work after the acks (replies, time zones): on shutdown, in tests;
        with the inbox on (and `inbox`), for its requests to be replayed first; then for
        the engine's work after its answers (the practice question after a save)."""
        await self._background.drain(first=inbox)
        await self.engine.settled()

    async def on_error(self, error: Exception, body: dict[str, Any]) -> None:
        if isinstance(error, ValidationError):
            log.warning("Slack payload without the fields we need: %s", error.errors()[:3])
        else:
            log.exception("Slack listener failed", exc_info=error)
