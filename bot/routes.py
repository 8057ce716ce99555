"""The route table: which handler answers each button, form and typed command.

Every feature registers what it answers (its `register(routes)`); the engine runs the
route of each inbound message in the turn's unit of work, and a new feature changes no
engine code. Each feature declares its buttons as an `ActionId` enum whose values are the
ids on the wire (Block Kit, Adaptive Cards, the outbox). A form about one record carries
its id after a colon ("follow-up:123"); the table parses it into a `FormId`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import partial
from typing import TypeAlias, TypeVar

from bot.context import Turn
from bot.domain.records import ConversationState
from bot.domain.text import clean
from bot.errors import UserError
from bot.messages import (
    ButtonClick,
    Card,
    FormSubmission,
    Inbound,
    Outbound,
    QuotedMessage,
    Refusal,
    Text,
    TextMessage,
)
from storage.conversations import load_state

log = logging.getLogger(__name__)

MAX_MESSAGE = 4000
SEPARATOR = ":"  # between a form's name and the id of the record it is about
HELP_COMMAND = "help"  # typed while a question waits: the help, then the question again
_PUNCTUATION = " .!?,;:"  # `cancel`/`stop`/`help` are commands only alone ("Stop!")

UNKNOWN_BUTTON = "I don't recognise that button. It may be from an older message: try `help`."
UNKNOWN_FORM = "I don't recognise that form. It may be from an older version: try `log`."

Reply: TypeAlias = list[Outbound]
Route: TypeAlias = Callable[[Turn], Awaitable[Reply]]  # one message's handler, bound
ClickHandler: TypeAlias = Callable[[Turn, str], Awaitable[Reply]]  # and the button's value
FormHandler: TypeAlias = Callable[[Turn, "FormId", dict[str, str]], Awaitable[Reply]]
OpenHandler: TypeAlias = Callable[[Turn, "FormId"], Awaitable[Reply]]
CommandHandler: TypeAlias = Callable[[Turn, str], Awaitable[Reply]]  # and the words after
QuoteHandler: TypeAlias = Callable[[Turn, str, str | None], Awaitable[Reply]]
StateHandler: TypeAlias = Callable[[Turn, ConversationState], Awaitable[Reply]]
AnswerHandler: TypeAlias = Callable[[Turn, ConversationState, str], Awaitable[Reply]]

_T = TypeVar("_T")


class DuplicateRoute(ValueError):
    """Two registrations for one button, form, command or hook."""


class ActionId(StrEnum):
    """A button's id: a feature subclasses it with its buttons; the values go on the wire."""


class TableAction(ActionId):
    OPEN_FORM = "form.open"  # the table's own: value a form's id, answered by its `opens`


OPEN_FORM = TableAction.OPEN_FORM


@dataclass(frozen=True, slots=True)
class FormId:
    """A form's id: its name, and for a form about one record, that record's id."""

    name: str
    param: str = ""

    @classmethod
    def parse(cls, wire: str) -> FormId:
        name, _, param = wire.partition(SEPARATOR)
        return cls(name, param)

    def __str__(self) -> str:
        return f"{self.name}{SEPARATOR}{self.param}" if self.param else self.name


def form_about(name: str, record: int | str) -> str:
    """The id, as platforms carry it, of the form `name` about one record."""
    return str(FormId(name, str(record)))


@dataclass(frozen=True, slots=True)
class Conversation:
    """A flow that keeps its step between messages, and may wait for a typed answer."""

    flow: str
    doing: str  # e.g. "logging an action", as in "We were logging an action"
    waiting: Callable[[ConversationState], bool]  # for a typed answer, in this state
    answer: AnswerHandler
    resume: StateHandler  # show again what the person was last asked


@dataclass(frozen=True, slots=True)
class _Form:
    submit: FormHandler
    opens: OpenHandler | None
    with_param: bool


class RouteTable:
    """Buttons, forms, typed commands and the few hooks the engine needs, by feature."""

    def __init__(self) -> None:
        self._clicks: dict[str, ClickHandler] = {}
        self._replays: dict[str, ClickHandler] = {}
        self._forms: dict[str, _Form] = {}
        self._commands: dict[str, CommandHandler] = {}
        self._interrupting: set[str] = set()
        self._conversations: dict[str, Conversation] = {}
        self._quoted: QuoteHandler | None = None
        self._greeting: Callable[[Turn], Outbound] | None = None
        self._fallback: CommandHandler | None = None
        self._home: Callable[[Turn], Awaitable[list[Card]]] | None = None
        self.click(OPEN_FORM, self._open_form)

    def click(
        self, action: ActionId, handler: ClickHandler, *, replay: ClickHandler | None = None
    ) -> None:
        """`handler` answers the button `action`. `replay` answers a click the platform
        sends again (same event key); without it, a re-sent click gets nothing."""
        _add(self._clicks, action.value, handler, "button")
        if replay is not None:
            self._replays[action.value] = replay

    def form(
        self,
        name: str,
        submit: FormHandler,
        *,
        opens: OpenHandler | None = None,
        with_param: bool = False,
    ) -> None:
        """`submit` answers the form `name`; `opens` answers the OPEN_FORM button for it.
        With `with_param`, the form is about one record: its id is "name:param", and it is
        found by the name whatever follows (the open button must carry the colon)."""
        if SEPARATOR in name:
            raise ValueError(f"a form name has no {SEPARATOR!r}: {name!r}")
        _add(self._forms, name, _Form(submit, opens, with_param), "form")

    def command(self, *words: str, handler: CommandHandler, interrupts: bool = False) -> None:
        """`handler` answers a message starting with one of `words` (any case, a leading
        slash ignored); a two-word command ("my data") matches only those words. With
        `interrupts`, it works even while a flow waits for a typed answer (`cancel`)."""
        for word in words:
            _add(self._commands, word.lower(), handler, "command")
            if interrupts:
                self._interrupting.add(word.lower())

    def conversation(self, conversation: Conversation) -> None:
        """A flow that keeps a step: its question's answer, its reminder, its resumption."""
        _add(self._conversations, conversation.flow, conversation, "conversation")

    def quoted(self, handler: QuoteHandler) -> None:
        """Answers a message someone picked to record (text, and its author if known)."""
        self._quoted = _once("quoted messages", self._quoted, handler)

    def greeting(self, handler: Callable[[Turn], Outbound]) -> None:
        """The welcome for someone who comes back with nothing unfinished."""
        self._greeting = _once("the greeting", self._greeting, handler)

    def fallback(self, handler: CommandHandler) -> None:
        """The answer to a message no command matches (given the message)."""
        self._fallback = _once("the fallback", self._fallback, handler)

    def home(self, handler: Callable[[Turn], Awaitable[list[Card]]]) -> None:
        self._home = _once("the home page", self._home, handler)

    def buttons(self) -> frozenset[str]:
        return frozenset(self._clicks)

    def find(self, inbound: Inbound) -> Route:
        """The route that answers `inbound`: a refusal or a polite "unknown" if none."""
        match inbound:
            case TextMessage(text=text):
                return partial(self._on_text, raw=text)
            case ButtonClick(action_id=action_id, value=value):
                click = self._clicks.get(action_id)
                if click is None:
                    return partial(_unknown_button, action_id=action_id)
                return lambda turn: click(turn, value)
            case FormSubmission(form_id=wire, values=values):
                form = self._form(wire)
                if form is None:
                    return _answer(Text(UNKNOWN_FORM))
                parsed, typed = FormId.parse(wire), dict(values)
                return lambda turn: form.submit(turn, parsed, typed)
            case QuotedMessage(text=text, author=author):
                quoted = _required("quoted messages", self._quoted)
                return lambda turn: quoted(turn, text, author)

    def replay(self, inbound: Inbound) -> Route:
        """An event delivered again changes nothing; a click gets its `replay`, if any."""
        if isinstance(inbound, ButtonClick) and inbound.action_id in self._replays:
            replay, value = self._replays[inbound.action_id], inbound.value
            return lambda turn: replay(turn, value)
        return _answer()

    async def welcome_back(self, turn: Turn) -> Reply:
        """What to show someone who comes back: their unfinished step, else a welcome."""
        state = await load_state(turn.uow, turn.person.id)
        conversation = self._conversation(state)
        if state is not None and conversation is not None:
            intro = Text(f"Welcome back. We were {conversation.doing}; let's carry on.")
            return [intro, *await conversation.resume(turn, state)]
        return [_required("the greeting", self._greeting)(turn)]

    async def home_page(self, turn: Turn) -> list[Card]:
        return await _required("the home page", self._home)(turn)

    def _form(self, wire: str) -> _Form | None:
        name, separator, _ = wire.partition(SEPARATOR)
        form = self._forms.get(name)
        if form is None or (separator and not form.with_param):
            return None
        return form

    async def _open_form(self, turn: Turn, value: str) -> Reply:
        form = self._form(value)
        if form is None or form.opens is None or form.with_param != (SEPARATOR in value):
            return await _unknown_button(turn, action_id=OPEN_FORM)
        return await form.opens(turn, FormId.parse(value))

    async def _on_text(self, turn: Turn, raw: str) -> Reply:
        text, command, rest = _words(raw)
        state = await load_state(turn.uow, turn.person.id)
        conversation = self._conversation(state)
        phrase = f"{command} {rest.lower()}"
        alone = "" if rest.strip(_PUNCTUATION) else command.strip(_PUNCTUATION)
        name = phrase if phrase in self._commands else alone or command  # "HELP." is help
        found = None if name in self._interrupting else self._commands.get(name)
        if alone in self._interrupting:
            return await self._commands[alone](turn, "")
        if state is not None and conversation is not None and conversation.waiting(state):
            if alone == HELP_COMMAND and (helps := self._commands.get(HELP_COMMAND)):
                return [*await helps(turn, ""), *await conversation.resume(turn, state)]
            return await conversation.answer(turn, state, text)
        if found is not None:
            return await found(turn, rest)
        if state is not None and conversation is not None:
            where = Text(f"We're in the middle of {conversation.doing}; here's where we were.")
            return [where, *await conversation.resume(turn, state)]
        return await _required("the fallback", self._fallback)(turn, text)

    def _conversation(self, state: ConversationState | None) -> Conversation | None:
        return None if state is None else self._conversations.get(state.flow)


def _words(raw: str) -> tuple[str, str, str]:
    """The message cleaned, its first word as a command, and the words after it."""
    text = clean(raw)
    if len(text) > MAX_MESSAGE:
        raise UserError(
            f"That message is {len(text):,} characters; I can take up to {MAX_MESSAGE:,}. "
            "Could you shorten it and send it again?"
        )
    word, _, rest = text.partition(" ")
    return text, word.lower().lstrip("/"), rest.strip()


def _add(table: dict[str, _T], key: str, route: _T, kind: str) -> None:
    if key in table:
        raise DuplicateRoute(f"the {kind} {key!r} is routed twice")
    table[key] = route


def _once(what: str, current: _T | None, handler: _T) -> _T:
    if current is not None:
        raise DuplicateRoute(f"{what} has a handler already")
    return handler


def _required(what: str, handler: _T | None) -> _T:
    if handler is None:
        raise LookupError(f"no handler registered for {what}")
    return handler


async def _unknown_button(turn: Turn, action_id: str) -> Reply:
    log.warning("unknown button %r from %s", action_id, turn.person.id)
    return [Refusal(UNKNOWN_BUTTON)]


def _answer(*replies: Outbound) -> Route:
    async def route(turn: Turn) -> Reply:
        return list(replies)

    return route
