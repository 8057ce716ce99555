"""The console adapter: chat with the engine in a terminal as one person."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import re
import sys
import uuid
from pathlib import Path
from typing import TextIO

from adapters.console.render import field_prompt, read_field_answer, render
from bot.delivery.codec import load_outbound
from bot.delivery.inbox import CONSOLE, Inbox
from bot.engine import Engine
from bot.messages import (
    Address,
    Button,
    ButtonClick,
    Document,
    FieldKind,
    Form,
    FormSubmission,
    Inbound,
    Outbound,
    Sender,
    Text,
    TextMessage,
    opened,
)
from bot.routes import OPEN_FORM
from bot.serving import StorageUnavailable

PROMPT = "> "
POLL = 0.5  # seconds between looks at the inbox
TYPED = re.compile(r"^\s*([^\W\d]+)\s+(\d+)\b")
ANSWER = re.compile(r"^\s*answer\s+(\d+)\s+(\S.*)$", re.IGNORECASE | re.DOTALL)
WORDS = (FieldKind.TEXT, FieldKind.LONG_TEXT)


class ConsoleSession:
    """Reads lines, sends them to the engine, prints the replies.

    Buttons are shown as [1] [2] ...; typing the number clicks it. Forms are
    asked field by field; Enter keeps what is already there.

    Messages sent to the person (a supervisor's question, a decision, a prompt) are
    taken from the `inbox` as they arrive, even while waiting for input, each shown
    with its number; "<button word> <number>" (`approve 3`) clicks that message's button.
    A message asking a question answered in words (a supervisor's question, a follow-up)
    takes "answer <number> <words>": its form is opened and the words are the answer, so
    only what words cannot answer (the follow-up's choices) is asked.
    """

    def __init__(
        self,
        *,
        engine: Engine,
        person_id: str,
        stdin: TextIO = sys.stdin,
        stdout: TextIO = sys.stdout,
        inbox: Inbox | None = None,
    ) -> None:
        self._engine = engine
        self._sender = Sender("console", person_id)
        self._stdin = stdin
        self._stdout = stdout
        self._buttons: tuple[Button, ...] = ()
        self._inbox = inbox
        self._arrived: dict[int, tuple[Button, ...]] = {}  # by the number shown

    async def run(self) -> None:
        poller = asyncio.create_task(self._poll()) if self._inbox is not None else None
        try:
            await self._converse()
        finally:
            if poller is not None:
                poller.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await poller

    async def _converse(self) -> None:
        self._say("Extra Mile console. Type `help` for commands, `quit` to leave.")
        replies = await self._engine.resume(self._sender)
        words = ""  # typed with `answer N …`: the answer for the form that click opens
        while True:
            form = await self._show(replies)
            if form is not None:
                submitted = await self._fill(form, words)
                words = ""
                if submitted is None:
                    return
                replies = await self._handle(submitted)
                continue
            line = await self._read(PROMPT)
            if line is None or line.strip().lower() in ("quit", "exit"):
                self._say("Bye!")
                return
            inbound, words = self._inbound(line)
            replies = [inbound] if isinstance(inbound, Text) else await self._handle(inbound)

    async def _handle(self, inbound: Inbound) -> list[Outbound]:
        try:
            return await self._engine.handle(inbound)
        except StorageUnavailable:
            return [Text("I can't reach the database just now, so nothing was saved. Try again.")]

    def _inbound(self, line: str) -> tuple[TextMessage | ButtonClick | Text, str]:
        """What the line asks of the engine, and the words of an `answer N …` (else "");
        or, for an `answer N …` that message N cannot take, a word to the person alone
        (sent on, the line would read as a deed to log)."""
        key = f"console:{uuid.uuid4()}"
        typed = line.strip()
        if typed.isdigit() and 1 <= int(typed) <= len(self._buttons):
            button = self._buttons[int(typed) - 1]
            return ButtonClick(self._sender, button.action_id, button.value, key, _HERE), ""
        answering = ANSWER.match(typed)
        if answering is not None:
            number, words = int(answering.group(1)), answering.group(2).strip()
            opens = _answer_button(self._arrived.get(number, ()))
            if opens is None:
                return Text(f"Message {number} has no question to answer in words."), ""
            return ButtonClick(self._sender, opens.action_id, opens.value, key, _HERE), words
        named = self._typed_button(typed)
        if named is not None:
            return ButtonClick(self._sender, named.action_id, named.value, key, _HERE), ""
        return TextMessage(self._sender, line, key, _HERE), ""

    def _typed_button(self, typed: str) -> Button | None:
        """`approve 3`: the button of message 3 whose first word is "approve"."""
        match = TYPED.match(typed)
        if match is None:
            return None
        word, number = match.group(1).lower(), int(match.group(2))
        buttons = self._arrived.get(number, ())
        return next((b for b in buttons if _word(b) == word), None)

    async def _poll(self) -> None:
        assert self._inbox is not None
        while True:
            try:
                items = await self._inbox.waiting(self._sender.user_id)
                for item in items:
                    self._arrive(load_outbound(item.payload))
                if items:
                    await self._inbox.delivered(*(item.id for item in items))
                    self._stdout.write(PROMPT)
                    self._stdout.flush()
            except StorageUnavailable:
                pass  # the database is away: the messages wait, and are shown next time
            await asyncio.sleep(POLL)

    def _arrive(self, message: Outbound) -> None:
        text, buttons = render(message)
        number = len(self._arrived) + 1
        self._arrived[number] = buttons
        lines = [f"\n({number}) {text}"]
        if buttons:
            typed = [f"{_word(b)} {number}" for b in buttons if _word(b) != "answer"]
            if _answer_button(buttons) is not None:
                typed.append(f"answer {number} <your answer>")
            lines.append("  type: " + ", ".join(typed))
        self._say("\n".join(lines))

    async def _show(self, replies: list[Outbound]) -> Form | None:
        form: Form | None = None
        self._buttons = ()
        for reply in opened(replies):
            # Numbered on from the last message's: "3" is the third button shown.
            text, buttons = render(reply, len(self._buttons) + 1)
            if text:
                self._say(text)
            self._buttons += buttons
            if isinstance(reply, Form):
                form = reply
            if isinstance(reply, Document):
                # The console runs on the person's own machine: the file goes beside them.
                data = base64.b64decode(reply.content_b64)
                await asyncio.to_thread(Path(reply.filename).write_bytes, data)
        return form

    async def _fill(self, form: Form, words: str = "") -> FormSubmission | None:
        """Ask the form's fields; `words` (typed with `answer N …`) answer its question
        in words, which is then not asked."""
        values = _answered_by(form, words)
        for field in form.fields:
            if field.name in values:
                continue
            # After a rejected submission only the fields in error are asked again.
            if form.errors and field.name not in form.errors:
                values[field.name] = field.value
                continue
            self._say(field_prompt(field, form.errors.get(field.name)))
            if field.kind is FieldKind.INFO:
                continue  # words to read, nothing to type
            typed = await self._read(PROMPT)
            if typed is None:
                return None
            values[field.name] = read_field_answer(field, typed)
        key = f"console:{uuid.uuid4()}"
        return FormSubmission(self._sender, form.form_id, values, key, _HERE)

    async def _read(self, prompt: str) -> str | None:
        self._stdout.write(prompt)
        self._stdout.flush()
        line = await asyncio.to_thread(self._stdin.readline)
        return None if line == "" else line.rstrip("\n")

    def _say(self, text: str) -> None:
        self._stdout.write(text + "\n")
        self._stdout.flush()


# The console's address: saved with each turn, it tells the outbox this person can be
# reached here (storage.console_inbox), so their messages wait for the console.
_HERE = Address({"platform": CONSOLE})


def _word(button: Button) -> str:
    return button.label.split()[0].lower() if button.label.split() else ""


def _answer_button(buttons: tuple[Button, ...]) -> Button | None:
    """The button `answer N …` presses: the message's Answer button, else its only button
    if that opens a form (a follow-up's Tell me); None when there is no such single one."""
    named = [b for b in buttons if _word(b) == "answer"]
    chosen = named or [b for b in buttons if b.action_id == OPEN_FORM and len(buttons) == 1]
    return chosen[0] if len(chosen) == 1 else None


def _answered_by(form: Form, words: str) -> dict[str, str]:
    """The field the words of `answer N …` answer: the form's required question in
    words, else its first one (the follow-up's note); nothing on a form shown again
    with errors, where only the fields in error are asked."""
    asked = [f for f in form.fields if f.kind in WORDS]
    field = next((f for f in asked if f.required), asked[0] if asked else None)
    if not words or form.errors or field is None:
        return {}
    return {field.name: words}
