"""The engine: one inbound message in, the replies to its sender out.

It resolves who is talking, makes each event key count once, runs the flow in
one unit of work, and turns errors into replies (two tiers: a `UserError`'s
message as is; anything else logged with a reference the person can quote).
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass

from bot.clock import Clock, local_today
from bot.errors import UserError
from bot.flows import (
    admin,
    approvals,
    away,
    feedback,
    follow_up,
    general,
    home,
    log_action,
    nominations,
    portfolio,
    prompts,
)
from bot.flows.turn import Turn
from bot.messages import (
    ButtonClick,
    Card,
    Document,
    Form,
    FormSubmission,
    Inbound,
    Outbound,
    QuotedMessage,
    Refusal,
    Replies,
    Sender,
    Text,
    TextMessage,
)
from bot.notifier import Notifier
from bot.org import Organisation, Person
from bot.records import ConversationState
from bot.text import clean
from storage.addresses import remember_address
from storage.conversations import load_state
from storage.database import Database, StorageUnavailable, is_unavailable
from storage.events import claim_event
from storage.people import remember_timezone
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

MAX_MESSAGE = 4000


@dataclass(frozen=True, slots=True)
class Engine:
    org: Organisation
    database: Database
    clock: Clock

    def who(self, sender: Sender) -> Person | None:
        return self.org.person_on(sender.platform, sender.user_id)

    async def handle(
        self, inbound: Inbound, *, queue: QueueReplies | None = None
    ) -> list[Outbound]:
        """The turn's replies to the sender. With `queue`, its messages are written to the
        outbox in the turn's transaction instead, and only what the platform shows in
        place (a card's new state, a form it opens) comes back."""
        person = self.who(inbound.sender)
        if person is None:
            if isinstance(inbound, ButtonClick | FormSubmission):
                # A click on a card someone shared: the card stays as it was.
                return [Refusal(self._stranger_refusal())]
            return [Text(self._stranger_message())]
        try:
            async with UnitOfWork(self.database) as uow:
                if not await claim_event(uow, inbound.event_key):
                    log.info("duplicate event %s ignored", inbound.event_key)
                    return await _replay(self._turn(person, uow), inbound)
                await _keep_address(uow, person, inbound)
                replies = await _dispatch(self._turn(person, uow), inbound)
                if queue is not None:
                    replies = await _queue(uow, person, inbound, replies, queue, self.clock)
                await uow.commit()
                return replies
        except UserError as error:
            if queue is None:
                return [Text(error.message)]
            return await self._queue_alone(person, inbound, [Text(error.message)], queue)
        except Exception as error:
            if is_unavailable(error):
                # Rolled back: the platform gets an error answer and delivers it again.
                log.warning("database unavailable handling %s: %s", inbound.event_key, error)
                raise StorageUnavailable(str(error)) from error
            reference = secrets.token_hex(3).upper()
            log.exception("error %s handling %s from %s", reference, inbound.event_key, person.id)
            return [
                Text(
                    "Sorry, something went wrong on my side and nothing was changed. "
                    f"Please try again; if it keeps happening, tell your admin: ref {reference}."
                )
            ]

    async def _queue_alone(
        self, person: Person, inbound: Inbound, replies: list[Outbound], queue: QueueReplies
    ) -> list[Outbound]:
        """Queue an answer whose turn was rolled back (a UserError's), in its own
        transaction; if even that fails, hand it back to be sent at once."""
        try:
            async with UnitOfWork(self.database) as uow:
                await _keep_address(uow, person, inbound)
                rest = await _queue(uow, person, inbound, replies, queue, self.clock)
                await uow.commit()
                return rest
        except Exception:
            log.warning("could not queue the answer to %s", inbound.event_key, exc_info=True)
            return replies

    async def resume(self, sender: Sender) -> list[Outbound]:
        """What to show someone who comes back: their unfinished step, else a welcome."""
        person = self.who(sender)
        if person is None:
            return [Text(self._stranger_message())]
        async with UnitOfWork(self.database) as uow:
            turn = self._turn(person, uow)
            state = await load_state(uow, person.id)
            if state is not None and state.flow == log_action.FLOW:
                intro = Text("Welcome back. We were logging an action; let's carry on.")
                return [intro, *await log_action.resume(turn, state)]
            return [general.welcome(turn)]

    async def home(self, sender: Sender) -> list[Card]:
        """The person's home page: their actions, and what waits on them."""
        person = self.who(sender)
        if person is None:
            return [Card(title="Extra Mile", text=self._stranger_message())]
        async with UnitOfWork(self.database) as uow:
            return await home.home_cards(self._turn(person, uow))

    def _turn(self, person: Person, uow: UnitOfWork) -> Turn:
        timezone = person.timezone or self.org.organisation.timezone
        return Turn(
            person=person,
            org=self.org,
            uow=uow,
            now=self.clock.now(),
            today=local_today(self.clock, timezone),
        )

    def _stranger_refusal(self) -> str:
        admins = ", ".join(p.name for p in self.org.admins()) or "your manager"
        name = self.org.organisation.name
        return (
            f"Sorry, I can't do that for you: you're not in {name}'s organisation file yet, "
            f"so nothing was changed. Ask {admins} to add you."
        )

    def _stranger_message(self) -> str:
        admins = ", ".join(p.name for p in self.org.admins()) or "your manager"
        return (
            f"Hello! I don't know you yet, so I can't log anything for you. "
            f"Ask {admins} to add you to {self.org.organisation.name}'s organisation file."
        )


@dataclass(frozen=True, slots=True)
class QueueReplies:
    """How a platform wants a turn's answers: through the outbox (see Engine.handle).

    `forms`: queue forms too; False where the platform opens them itself, at once
    (a Slack modal needs the trigger id within 3 seconds).
    """

    forms: bool = True


async def _queue(
    uow: UnitOfWork,
    person: Person,
    inbound: Inbound,
    replies: list[Outbound],
    queue: QueueReplies,
    clock: Clock,
) -> list[Outbound]:
    """Write the messages among `replies` to the outbox as one; return the rest."""
    queued: list[Text | Card | Form | Document] = []
    rest: list[Outbound] = []
    for reply in replies:
        if isinstance(reply, Text | Card | Document) or (isinstance(reply, Form) and queue.forms):
            queued.append(reply)
        else:
            rest.append(reply)
    if queued:
        await Notifier(uow, clock.now()).person(
            person.id,
            Replies(tuple(queued)),
            "reply",
            inbound.event_key,
            platform=inbound.sender.platform,
        )
    return rest


async def _keep_address(uow: UnitOfWork, person: Person, inbound: Inbound) -> None:
    """Where the sender can be reached, as their message said: saved with the turn."""
    if inbound.address is not None:
        platform = inbound.sender.platform
        await remember_address(uow, person.id, platform, inbound.address.reference)
        if inbound.address.timezone:
            await remember_timezone(uow, person.id, inbound.address.timezone)


async def _replay(turn: Turn, inbound: Inbound) -> list[Outbound]:
    """A redelivered event changes nothing; a re-sent click on a request gets its card as
    it is now (Teams shows "Unable to reach app" to a click that gets no card back), if the
    clicker may see it: the same check as the first click, else the same refusal."""
    if isinstance(inbound, ButtonClick) and inbound.action_id.startswith("request."):
        return await approvals.current_card(turn, inbound.value)
    return []


async def _dispatch(turn: Turn, inbound: Inbound) -> list[Outbound]:
    match inbound:
        case TextMessage(text=text):
            return await _on_text(turn, text)
        case ButtonClick(action_id=action_id, value=value):
            return await _on_click(turn, action_id, value)
        case FormSubmission(form_id=form_id, values=values):
            if form_id in (log_action.FORM_ID, log_action.CHECK_FORM_ID):
                return await log_action.submit_form(turn, dict(values), form_id)
            if form_id == feedback.FORM_ID:
                return await feedback.submit_form(turn, dict(values))
            if form_id.partition(":")[0] == follow_up.FORM:
                return await follow_up.submit(turn, form_id, dict(values))
            if form_id.partition(":")[0] in nominations.FORMS:
                return await nominations.submit(turn, form_id, dict(values))
            if form_id.partition(":")[0] in approvals.FORMS:
                return await approvals.submit_form(turn, form_id, dict(values))
            return [
                Text("I don't recognise that form. It may be from an older version: try `log`.")
            ]
        case QuotedMessage(text=text, author=author):
            return await feedback.open_form(turn, words=text, quoted_from=author)


async def _on_text(turn: Turn, raw: str) -> list[Outbound]:
    text = clean(raw)
    if len(text) > MAX_MESSAGE:
        raise UserError(
            f"That message is {len(text):,} characters; I can take up to {MAX_MESSAGE:,}. "
            "Could you shorten it and send it again?"
        )
    word, _, rest = text.partition(" ")
    command = word.lower().lstrip("/")
    state = await load_state(turn.uow, turn.person.id)
    if command in ("cancel", "stop"):
        return await log_action.cancel(turn)
    if state is not None and state.step.startswith("ask:"):
        if command == "help":
            return [general.help_card(turn), *await log_action.resume(turn, state)]
        return await log_action.answer(turn, state, text)
    return await _command(turn, command, rest.strip(), state)


async def _command(
    turn: Turn, command: str, rest: str, state: ConversationState | None
) -> list[Outbound]:
    match command:
        case "log" if rest:
            return await log_action.start_quick(turn, rest)
        case "log":
            return await log_action.open_form(turn)
        case "mine":
            return await general.show_mine(turn)
        case "feedback":
            return await feedback.open_form(turn, words=rest)
        case "unreachable":
            return await admin.show_unreachable(turn)
        case "waiting":
            return await approvals.show_waiting(turn)
        case "my" if rest.lower() == "data":
            return await portfolio.my_data(turn)
        case "portfolio":
            return await portfolio.request(turn, rest)
        case "nominations":
            return await nominations.show(turn)
        case "suggest":
            return await nominations.start_suggestion(turn)
        case "digest":
            return await prompts.digest_now(turn)
        case "prompts" if rest.lower() == "on":
            return await prompts.resume(turn)
        case "away":
            return await away.go_away(turn, rest)
        case "back":
            return await away.come_back(turn)
        case "offer":
            return await general.show_offer(turn, rest)
        case "help" | "":
            return [general.help_card(turn)]
        case "hi" | "hello" | "hey" | "start":
            return [general.welcome(turn)]
    if state is not None and state.flow == log_action.FLOW:
        return [
            Text("We're in the middle of logging an action; here's where we were."),
            *await log_action.resume(turn, state),
        ]
    return general.not_understood(turn)


async def _on_click(turn: Turn, action_id: str, value: str) -> list[Outbound]:
    state = await load_state(turn.uow, turn.person.id)
    match action_id:
        case "menu.log":
            return await log_action.open_form(turn)
        case "menu.mine":
            return await general.show_mine(turn)
        case "menu.feedback":
            return await feedback.open_form(turn)
        case "form.open" if value == log_action.FORM_ID:
            return await log_action.open_form(turn)
        case "form.open" if value == feedback.FORM_ID:
            return await feedback.reopen(turn)
        case feedback.SHARE | feedback.DONT_SHARE:
            return await feedback.decide_share(turn, value, share=action_id == feedback.SHARE)
        case "form.open" if value.startswith(follow_up.FORM + ":"):
            return await follow_up.open_form(turn, value.partition(":")[2])
        case "form.open" if value.startswith(approvals.ANSWER_FORM + ":"):
            return await approvals.open_answer_form(turn, value.partition(":")[2])
        case "practice.pick":
            return await nominations.pick(turn, value)
        case "practice.new":
            return await nominations.new(turn, value)
        case "nomination.adopt":
            return await nominations.start(turn, "adopt", value)
        case "nomination.dismiss":
            return await nominations.start(turn, "dismiss", value)
        case "menu.waiting":
            return await approvals.show_waiting(turn)
        case "prompt.skip":
            return await prompts.not_this_week(turn)
        case "prompt.pause":
            return await prompts.pause(turn)
        case "request.approve":
            return await approvals.approve(turn, value)
        case "request.decline":
            return await approvals.start_decline(turn, value)
        case "request.ask":
            return await approvals.start_ask(turn, value)
        case "menu.offer":
            return await general.show_offer(turn)
        case "log.answer" if state is not None and state.step.startswith("ask:"):
            return await log_action.answer_click(turn, state, value)
        case "log.answer":
            return [Refusal("That question has already been answered.")]
        case "log.save":
            return await log_action.save(turn)
        case "log.edit":
            return await log_action.edit(turn)
        case "log.cancel":
            return await log_action.cancel(turn)
    log.warning("unknown button %r from %s", action_id, turn.person.id)
    return [Refusal("I don't recognise that button. It may be from an older message: try `help`.")]
