"""Plain words in chat (issue 16): no criteria codes for staff, supervisors or managers,
times as a person says them, lists by the action's own date, offer search by word forms,
and adopted practices wherever offer items are chosen."""

from __future__ import annotations

import re
from datetime import datetime

from bot.engine import Engine
from bot.features.digest.report import said_duration
from bot.features.prompts.flow import opening
from tests.conversations.test_nominations import ENOUGH, _maria_card, nominated, seed_practice
from tests.fakes.chat import Chat, text_of
from tests.fakes.deeds import DEED, DETAILS, tap_detail

CODES = re.compile(r"\b(P1[0-4]|P[1-9]|K[1-9])\b|\(K\d\)|Evidence for")


async def test_saving_a_deed_shows_no_criteria_codes(engine: Engine) -> None:
    chat = Chat(engine, "asha")
    await chat.say("log")
    saved = await chat.submit(**DEED)
    assert "Saved: your 1st extra-mile action" in saved
    assert not CODES.search(saved), saved
    # Nor the card as each detail is tapped, up to every detail in.
    for detail, value in (DETAILS | {"offer": "not-covered"}).items():
        updated = await tap_detail(chat, detail, value)
        assert not CODES.search(updated), updated
    assert "All the details are in" in updated
    # Nor a deed saved from one line.
    line = await chat.say("log carried her shopping to the car in the rain")
    assert "Saved: your 2nd extra-mile action" in line
    assert not CODES.search(line), line


async def test_the_managers_nomination_card_shows_no_criteria_codes(engine: Engine) -> None:
    await seed_practice(engine.database, ENOUGH)
    await nominated(engine)
    text = text_of([await _maria_card(engine)])
    assert "Should this join our routine service offer?" in text
    assert not CODES.search(text), text


def test_times_to_decide_read_as_a_person_says_them() -> None:
    assert said_duration(0.0) == "within the hour"
    assert said_duration(0.9) == "within the hour"
    assert said_duration(1.2) == "in about an hour"
    assert said_duration(3.4) == "in about 3 hours"
    assert said_duration(26) == "in about a day"
    assert said_duration(49) == "in 2 days"


def test_the_weekly_prompt_opens_as_a_person_would() -> None:
    assert opening(datetime(2026, 11, 23, 9, 30)) == "It's Monday morning."
    assert opening(datetime(2026, 11, 27, 14, 0)) == "It's Friday afternoon."
    assert opening(datetime(2026, 11, 27, 18, 0)) == "It's Friday evening."
    assert opening(datetime(2026, 11, 23, 4, 0)) == "It's early on Monday."
