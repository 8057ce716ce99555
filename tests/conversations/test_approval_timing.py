"""Reminders, escalation and delegation while away, on a controlled clock."""

from __future__ import annotations

from datetime import date, timedelta

from app.jobs import run_job
from bot.engine import Engine
from bot.messages import Card, Text
from tests.conftest import NOW
from tests.conversations.test_approvals import outbox_for, propose, request_click, request_row
from tests.fakes.chat import Chat, text_of


async def _job(engine: Engine, hours: float) -> str:
    return await run_job(
        "approval-reminders",
        org=engine.org,
        database=engine.database,
        at=NOW + timedelta(hours=hours),
    )


async def test_a_reminder_after_the_reminder_hours_once(engine: Engine) -> None:
    await propose(engine)
    assert "reminded 0" in await _job(engine, 23)
    assert "reminded 1" in await _job(engine, 24.5)
    assert "reminded 0" in await _job(engine, 30)  # not again
    texts = [m.text for m in await outbox_for(engine, "sam") if isinstance(m, Text)]
    assert len(texts) == 1
    assert texts[0].startswith("Reminder: Asha Patel's idea has waited 24 hours")


async def test_escalation_to_the_next_person_up(engine: Engine) -> None:
    await propose(engine)
    await _job(engine, 25)
    assert "escalated 1" in await _job(engine, 49)
    row = await request_row(engine)
    assert row.approver_id == "maria" and row.card_sent_to == ["sam", "maria"]
    maria = [m for m in await outbox_for(engine, "maria") if isinstance(m, Card)]
    assert "Escalated to you: Asha Patel's request waited 49 hours for Sam Okafor" in maria[-1].text
    told = text_of(await outbox_for(engine, "asha"))
    assert "Your idea is now with Maria Lopez" in told
    assert "escalated 0" in await _job(engine, 60)
    # Either of them may now decide; the first wins.
    replies = await engine.handle(request_click(maria[-1], "Approve", "maria", "esc-1"))
    assert "Approved" in text_of(replies)


async def test_saying_away_sends_new_requests_to_the_delegate(engine: Engine) -> None:
    sam = Chat(engine, "sam")
    reply = await sam.say("away until 2026-11-30 delegate priya")
    assert "You're away until Mon 30 Nov; Priya Shah covers for you" in reply
    await propose(engine)
    assert (await request_row(engine)).approver_id == "priya"
    cards = [m for m in await outbox_for(engine, "priya") if isinstance(m, Card)]
    replies = await engine.handle(request_click(cards[-1], "Approve", "priya", "del-1"))
    assert "Approved" in text_of(replies)  # the delegate may decide
    assert "Welcome back" in await sam.say("back")


async def test_going_away_moves_pending_requests_with_a_note(engine: Engine) -> None:
    await propose(engine)
    reply = await Chat(engine, "sam").say("away until friday delegate Priya")
    assert "1 waiting request(s) moved" in reply
    row = await request_row(engine)
    assert row.approver_id == "priya"
    card = [m for m in await outbox_for(engine, "priya") if isinstance(m, Card)][-1]
    assert "Moved to you from Sam Okafor, who is away until" in card.text


async def test_away_in_the_organisation_file_is_respected_by_the_job(engine: Engine) -> None:
    await propose(engine)  # goes to Sam, who is here
    people = [
        p.model_copy(update={"away_until": date(2026, 12, 4), "delegate": "priya"})
        if p.id == "sam"
        else p
        for p in engine.org.people
    ]
    away_org = engine.org.model_copy(update={"people": people})
    report = await run_job(
        "approval-reminders", org=away_org, database=engine.database, at=NOW + timedelta(hours=1)
    )
    assert "moved from people away 1" in report
    assert (await request_row(engine)).approver_id == "priya"


async def test_bad_away_commands_get_help(engine: Engine) -> None:
    sam = Chat(engine, "sam")
    assert "Say `away until" in await sam.say("away for a bit")
    assert "couldn't read" in await sam.say("away until 2020-01-01")
    assert "I don't know 'nobody'" in await sam.say("away until friday delegate nobody")
    assert "can't delegate to yourself" in await sam.say("away until friday delegate sam")


async def test_run_job_refuses_an_unknown_job(engine: Engine) -> None:
    from app.jobs import UnknownJob

    try:
        await run_job("make-tea", org=engine.org, database=engine.database, at=NOW)
    except UnknownJob as error:
        assert "approval-reminders" in str(error)
    else:
        raise AssertionError("an unknown job ran")
