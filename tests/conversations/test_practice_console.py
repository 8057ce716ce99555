"""Which practice is this? in the console (issue 17): the buttons numbered, and "Another
practice…" asked as numbered choices, the likeliest first."""

from __future__ import annotations

import re

from sqlmodel import select

from bot.engine import Engine
from storage.tables import ActionRow
from storage.uow import UnitOfWork
from tests.conversations.test_console_answer import console
from tests.conversations.test_practice_choice import ANOTHER, seed_three
from tests.fakes.deeds import DEED

TAXI = "Called a taxi for an elderly customer"
UMBRELLA = "Lent an umbrella in the rain"


async def test_another_practice_as_numbered_choices_in_the_console(engine: Engine) -> None:
    ids = await seed_three(engine.database)
    async with console(engine, "asha") as asha:
        await asha.screen.until(lambda t: "Type `help`" in t)
        asha.type("log")
        for prompt, answer in (
            ("What did you do?", "Phoned for a taxi for an old gentleman and waited with him"),
            ("What did the customer need?", DEED["customer_need"]),
            ("How did it go?", DEED["result"]),
            ("When?", ""),
        ):
            await asha.screen.until(lambda t, p=prompt: p in t)
            asha.type(answer)
        shown = await asha.screen.until(lambda t: ANOTHER in t)
        number = re.search(rf"\[(\d+)\] {re.escape(ANOTHER)}", shown)
        assert number is not None, shown
        asha.type(number.group(1))
        shown = await asha.screen.until(lambda t: "The practice it belongs to" in t)
        choices = dict(
            (title, number)
            for number, title in re.findall(r"^  (\d+)\. (.+)$", shown, flags=re.MULTILINE)
        )
        assert choices[TAXI] == "1" and choices[UMBRELLA] != "1"  # the likeliest first
        asha.type(choices[UMBRELLA])
        await asha.screen.until(lambda t: "noted as the same kind" in t)
    async with UnitOfWork(engine.database) as uow:
        [action] = (
            await uow.session.exec(select(ActionRow).where(ActionRow.person_id == "asha"))
        ).all()
    assert action.practice_id == ids[UMBRELLA]
