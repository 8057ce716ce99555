"""The console adapter: chat with the engine in a terminal as one person."""

from __future__ import annotations

import asyncio
import base64
import sys
import uuid
from pathlib import Path
from typing import TextIO

from adapters.console.render import field_prompt, read_field_answer, render
from bot.engine import Engine
from bot.messages import (
    Button,
    ButtonClick,
    Document,
    Form,
    FormSubmission,
    Inbound,
    Outbound,
    Sender,
    Text,
    TextMessage,
    opened,
)
from bot.serving import StorageUnavailable

PROMPT = "> "


class ConsoleSession:
    """Reads lines, sends them to the engine, prints the replies.

    Buttons are shown as [1] [2] ...; typing the number clicks it. Forms are
    asked field by field; Enter keeps what is already there.
    """

    def __init__(
        self,
        *,
        engine: Engine,
        person_id: str,
        stdin: TextIO = sys.stdin,
        stdout: TextIO = sys.stdout,
    ) -> None:
        self._engine = engine
        self._sender = Sender("console", person_id)
        self._stdin = stdin
        self._stdout = stdout
        self._buttons: tuple[Button, ...] = ()

    async def run(self) -> None:
        self._say("Extra Mile console. Type `help` for commands, `quit` to leave.")
        replies = await self._engine.resume(self._sender)
        while True:
            form = await self._show(replies)
            if form is not None:
                submitted = await self._fill(form)
                if submitted is None:
                    return
                replies = await self._handle(submitted)
                continue
            line = await self._read(PROMPT)
            if line is None or line.strip().lower() in ("quit", "exit"):
                self._say("Bye!")
                return
            replies = await self._handle(self._inbound(line))

    async def _handle(self, inbound: Inbound) -> list[Outbound]:
        try:
            return await self._engine.handle(inbound)
        except StorageUnavailable:
            return [Text("I can't reach the database just now, so nothing was saved. Try again.")]

    def _inbound(self, line: str) -> TextMessage | ButtonClick:
        key = f"console:{uuid.uuid4()}"
        typed = line.strip()
        if typed.isdigit() and 1 <= int(typed) <= len(self._buttons):
            button = self._buttons[int(typed) - 1]
            return ButtonClick(self._sender, button.action_id, button.value, key)
        return TextMessage(self._sender, line, key)

    async def _show(self, replies: list[Outbound]) -> Form | None:
        form: Form | None = None
        self._buttons = ()
        for reply in opened(replies):
            text, buttons = render(reply)
            if text:
                self._say(text)
            if buttons:
                self._buttons = buttons
            if isinstance(reply, Form):
                form = reply
            if isinstance(reply, Document):
                # The console runs on the person's own machine: the file goes beside them.
                data = base64.b64decode(reply.content_b64)
                await asyncio.to_thread(Path(reply.filename).write_bytes, data)
        return form

    async def _fill(self, form: Form) -> FormSubmission | None:
        values: dict[str, str] = {}
        for field in form.fields:
            # After a rejected submission only the fields in error are asked again.
            if form.errors and field.name not in form.errors:
                values[field.name] = field.value
                continue
            self._say(field_prompt(field, form.errors.get(field.name)))
            typed = await self._read(PROMPT)
            if typed is None:
                return None
            values[field.name] = read_field_answer(field, typed)
        key = f"console:{uuid.uuid4()}"
        return FormSubmission(self._sender, form.form_id, values, key)

    async def _read(self, prompt: str) -> str | None:
        self._stdout.write(prompt)
        self._stdout.flush()
        line = await asyncio.to_thread(self._stdin.readline)
        return None if line == "" else line.rstrip("\n")

    def _say(self, text: str) -> None:
        self._stdout.write(text + "\n")
        self._stdout.flush()
