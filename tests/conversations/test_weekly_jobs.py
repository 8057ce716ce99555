"""Weekly prompts, summaries and the digest on a controlled clock."""

from __future__ import annotations

import base64
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from PIL import Image
from sqlmodel import select

from app.jobs import run_job
from bot.delivery.codec import load_outbound
from bot.domain.org import Organisation
from bot.engine import Engine
from bot.messages import Button, Card
from bot.reports.attachments import inlined
from storage.tables import OutboxRow
from storage.uow import UnitOfWork
from tests.fakes.chat import Chat, text_of
from tests.fakes.deeds import DETAILS, log_deed

STAFF = {"asha", "tom", "leila", "ben", "chen", "gosia", "kofi", "dan"}


async def _job(engine: Engine, name: str, at: str, org: Organisation | None = None) -> str:
    return await run_job(
        name, org=org or engine.org, database=engine.database, at=datetime.fromisoformat(at)
    )


async def _cards(engine: Engine, person: str | None = None) -> list[Card]:
    async with UnitOfWork(engine.database) as uow:
        rows = (await uow.session.exec(select(OutboxRow).order_by(OutboxRow.id))).all()
        # As the dispatcher sends them: with the chart each row references read back.
        messages = [await inlined(uow, load_outbound(r.payload)) for r in rows]
    return [
        m
        for r, m in zip(rows, messages, strict=True)
        if person in (None, r.person_id)
        if isinstance(m, Card)
    ]


async def test_the_prompt_fires_at_local_time_across_the_clock_change(engine: Engine) -> None:
    # Mon 19 Oct 2026 09:30 in London is 08:30 UTC (summer time).
    assert (await _job(engine, "weekly-prompt", "2026-10-19T08:29:00+00:00")).startswith("sent 0")
    assert (await _job(engine, "weekly-prompt", "2026-10-19T08:31:00+00:00")).startswith("sent 8")
    # The clocks went back on 25 Oct: Mon 26 Oct 09:30 is 09:30 UTC.
    assert (await _job(engine, "weekly-prompt", "2026-10-26T08:31:00+00:00")).startswith("sent 0")
    assert (await _job(engine, "weekly-prompt", "2026-10-26T09:31:00+00:00")).startswith("sent 8")
    cards = await _cards(engine, "asha")
    assert cards[0].title == "Did you go the extra mile this week, Asha?"
    assert cards[0].text.startswith("It's Monday morning.")  # local time, not UTC
    assert {b.label for b in cards[0].buttons} == {
        "Log an action",
        "Not this week",
        "Pause for 4 weeks",
    }


async def test_a_persons_own_time_zone_is_used(engine: Engine) -> None:
    people = [
        p.model_copy(update={"timezone": "Asia/Kolkata"}) if p.id == "chen" else p
        for p in engine.org.people
    ]
    org = engine.org.model_copy(update={"people": people})
    # 09:30 in Kolkata is 04:00 UTC; in London it's 09:30 UTC.
    report = await _job(engine, "weekly-prompt", "2026-11-23T04:01:00+00:00", org)
    assert report.startswith("sent 1")
    [card] = await _cards(engine, "chen")
    assert card.text.startswith("It's Monday morning.")


async def test_double_firing_sends_nothing_twice(engine: Engine) -> None:
    first = await _job(engine, "weekly-prompt", "2026-11-23T09:31:00+00:00")
    second = await _job(engine, "weekly-prompt", "2026-11-23T09:45:00+00:00")
    assert first.startswith("sent 8") and second.startswith("sent 0, already sent 8")
    assert len(await _cards(engine)) == 8


async def test_a_missed_run_goes_out_late_within_grace_and_never_after(engine: Engine) -> None:
    assert (await _job(engine, "weekly-prompt", "2026-11-23T21:00:00+00:00")).startswith("sent 8")
    assert (await _job(engine, "weekly-prompt", "2026-11-30T22:00:00+00:00")).startswith(
        "sent 0, already sent 0, not due 8"
    )


async def test_skips_logged_lately_paused_and_away(engine: Engine) -> None:
    chat = Chat(engine, "asha")  # logs an action at the test clock's now (Sun 22 Nov 15:00)
    await log_deed(chat)
    tom = Chat(engine, "tom")
    tom.last = [Card(title="A prompt", buttons=(Button("Pause", "prompt.pause"),))]
    assert "Weekly prompts paused until Sun 20 Dec" in await tom.click("Pause")
    await Chat(engine, "ben").say("away until 2026-11-30")
    report = await _job(engine, "weekly-prompt", "2026-11-23T09:31:00+00:00")
    assert report == (
        "sent 5, already sent 0, not due 0, skipped: 1 away, 1 logged lately, 1 paused"
    )
    assert await _cards(engine, "asha") == []


async def test_no_prompt_on_a_public_holiday(engine: Engine) -> None:
    # Mon 28 Dec 2026 is the Boxing Day bank holiday (observed) in England.
    report = await _job(engine, "weekly-prompt", "2026-12-28T09:31:00+00:00")
    assert report.endswith("skipped: 8 public holiday")


async def test_prompt_buttons(engine: Engine) -> None:
    await _job(engine, "weekly-prompt", "2026-11-23T09:31:00+00:00")
    chat = Chat(engine, "leila")
    chat.last = list(await _cards(engine, "leila"))
    assert "See you next week" in await chat.click("Not this week")
    chat.last = list(await _cards(engine, "leila"))
    assert "Log an extra mile" in await chat.click("Log an action")
    assert chat.form.form_id == "log-action"


async def test_supervisor_summary(engine: Engine) -> None:
    await _job(engine, "supervisor-summary", "2026-11-23T10:01:00+00:00")
    [card] = await _cards(engine, "sam")
    text = text_of([card])
    assert "Your summary for Monday 23 November, Sam" in text
    assert "Waiting on you (0)" in text and "Praise for your team this week (0)" in text
    assert len(await _cards(engine, "maria")) == 1  # managers get it too


async def test_the_digest_numbers_and_chart(engine: Engine) -> None:
    from tests.conversations.test_approvals import propose, request_click, sams_card

    for person, context in (("asha", "busy"), ("tom", "quiet"), ("chen", "busy")):
        await log_deed(Chat(engine, person), DETAILS | {"context": context, "offer": "not-covered"})
    await propose(engine, "leila")
    await engine.handle(request_click(await sams_card(engine), "Approve", "sam", "dg-1"))
    chat = Chat(engine, "asha")
    await chat.say("feedback")
    await chat.submit(
        action=chat.form.fields[0].options[0].value,
        channel="email",
        sentiment="positive",
        words="Asha made my week",
    )
    report = await _job(engine, "manager-digest", "2026-11-27T16:01:00+00:00")
    assert report.startswith("sent 1")
    [digest] = await _cards(engine, "maria")
    text = text_of([digest])
    assert "Extra-mile actions: 4" in text  # three logged, one idea approved
    # The idea form asks no situation (issue 16): Leila's approved idea has none.
    assert "A busy time: 2" in text and "A quiet time: 1" in text
    assert "Situation not given: 1" in text
    assert "Sam's team: 3" in text and "Priya's team: 1" in text
    assert "1 approved, 0 declined (decided within the hour)" in text
    assert "Positive feedback (1)" in text and "“Asha made my week” (Asha Patel)" in text
    assert "Stand-out actions: Asha Patel: Rang the bus depot" in text
    assert "last 8 weeks: 0 · 0 · 0 · 0 · 0 · 0 · 0 · 4 (up from 0" in text
    png = base64.b64decode(digest.image_png_b64)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(png))
    image.verify()
    assert image.size == (600, 240)


async def test_digest_on_demand_is_for_managers(engine: Engine) -> None:
    assert "Your week, Maria" in await Chat(engine, "maria").say("digest")
    assert "The digest is for managers" in await Chat(engine, "asha").say("digest")


@pytest.mark.parametrize("day", [date(2026, 11, 23)])
def test_latest_occurrence_is_local(day: date) -> None:
    from bot.domain.org import parse_weekly
    from bot.domain.schedules import latest_occurrence

    at = datetime(2026, 11, 23, 9, 31, tzinfo=UTC)
    occurrence = latest_occurrence(parse_weekly("mon 09:30"), "Europe/London", at)
    assert occurrence.date() == day and occurrence.hour == 9
    assert latest_occurrence(
        parse_weekly("mon 09:30"), "Europe/London", at - timedelta(minutes=2)
    ).date() == date(2026, 11, 16)
