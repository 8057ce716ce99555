"""Issue 16: in the console, a message that asks a question answered in words takes
`answer N <words>`: the words go on as the answer to message N, with no form to fill in
(a form that also asks choices asks just those). Driven through the console session
itself, reading lines as typed and showing messages as they arrive from the outbox."""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TextIO

from sqlmodel import select

from adapters.console.session import ConsoleSession
from app.jobs import run_job
from bot.engine import Engine
from storage.console_inbox import SqlInbox
from storage.tables import ActionRow
from storage.uow import UnitOfWork
from tests.conftest import NOW
from tests.conversations.test_approvals import request_row, sams_card
from tests.fakes.chat import Chat
from tests.fakes.deeds import log_deed, propose_idea

QUESTION = "Which cake, and what did it cost her?"
ANSWER = "The £18 chocolate one from our bakery"


@dataclass
class Screen:
    """The console's output, as it is written."""

    text: str = ""
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    def write(self, text: str) -> int:
        self.text += text
        self.changed.set()
        return len(text)

    def flush(self) -> None:
        return None

    async def until(self, shown: Callable[[str], bool], within: float = 5.0) -> str:
        """Wait until the output satisfies `shown`; the output."""
        async with asyncio.timeout(within):
            while not shown(self.text):
                self.changed.clear()
                await self.changed.wait()
        return self.text


@dataclass
class Console:
    screen: Screen
    keyboard: TextIO

    def type(self, line: str) -> None:
        self.keyboard.write(line + "\n")
        self.keyboard.flush()

    async def number_of(self, title: str) -> int:
        """The number the console gave the arrived message with this title."""
        pattern = re.compile(rf"\((\d+)\) == {re.escape(title)}")
        text = await self.screen.until(lambda t: pattern.search(t) is not None)
        match = pattern.search(text)
        assert match is not None
        return int(match.group(1))


@asynccontextmanager
async def console(engine: Engine, person: str) -> AsyncIterator[Console]:
    """The person's console session, typed into through a pipe, as a terminal would."""
    read_end, write_end = os.pipe()
    screen = Screen()
    with os.fdopen(read_end, encoding="utf-8") as stdin, os.fdopen(write_end, "w") as keys:
        session = ConsoleSession(
            engine=engine,
            person_id=person,
            stdin=stdin,
            stdout=screen,
            inbox=SqlInbox(engine.database),
        )
        running = asyncio.create_task(session.run())
        try:
            yield Console(screen, keys)
            keys.close()  # end of input: the session says goodbye
            await asyncio.wait_for(running, 5)
        finally:
            running.cancel()


async def test_answer_n_sends_the_words_as_the_answer_to_that_question(engine: Engine) -> None:
    assert "Sent to Sam Okafor" in await propose_idea(Chat(engine, "asha"))
    sam = Chat(engine, "sam")
    sam.last = [await sams_card(engine)]
    await sam.click("Ask for more info")
    assert "Asked." in await sam.submit(question=QUESTION)

    async with console(engine, "asha") as asha:
        number = await asha.number_of("Sam Okafor has a question about your idea")
        await asha.screen.until(lambda t: f"answer {number}" in t)
        asha.type(f"answer {number} {ANSWER}")
        shown = await asha.screen.until(lambda t: "Sent your answer to Sam Okafor" in t)
        assert "Your answer" not in shown  # no form asked: the words were the answer
    row = await request_row(engine)
    assert row.answer == ANSWER


async def test_answer_n_on_a_follow_up_asks_only_its_choices(engine: Engine) -> None:
    await log_deed(Chat(engine, "asha"), occurred_on="today")
    report = await run_job(
        "follow-up", org=engine.org, database=engine.database, at=NOW + timedelta(days=3)
    )
    assert report == "asked 1"

    async with console(engine, "asha") as asha:
        number = await asha.number_of("How did it go?")
        asha.type(f"answer {number} Nobody waited; she told the manager")
        await asha.screen.until(lambda t: "Did it affect the service to other customers?" in t)
        asha.type("1")  # No
        await asha.screen.until(lambda t: "Did the customer notice the added value?" in t)
        asha.type("1")  # Yes
        await asha.screen.until(lambda t: "Any feedback since?" in t)
        asha.type("")
        shown = await asha.screen.until(lambda t: "Thank you!" in t)
        assert "How? (if it did)" not in shown  # the typed words answered it
    async with UnitOfWork(engine.database) as uow:
        [row] = (await uow.session.exec(select(ActionRow))).all()
    assert row.follow_up_note == "Nobody waited; she told the manager"
    assert row.customer_noticed is True
