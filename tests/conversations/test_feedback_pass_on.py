"""Passing praise on (P13), keeping the rest private (P14), and the follow-up (P12)."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import col, select

from app.jobs import run_job
from bot.delivery.codec import load_outbound
from bot.engine import Engine
from bot.messages import ButtonClick, Card, Refusal, Text
from storage.tables import ActionRow, OutboxRow
from storage.uow import UnitOfWork
from tests.conftest import NOW
from tests.fakes.chat import Chat, text_of
from tests.fakes.deeds import DETAILS, log_deed

# Every detail tapped after saving, as the old form held them.
FULL_DETAILS = DETAILS | {"offer": "not-covered"}


async def _outbox(engine: Engine) -> list[OutboxRow]:
    async with UnitOfWork(engine.database) as uow:
        return list((await uow.session.exec(select(OutboxRow).order_by(col(OutboxRow.id)))).all())


async def _to(engine: Engine, person: str) -> str:
    return text_of(
        [load_outbound(r.payload) for r in await _outbox(engine) if r.person_id == person]
    )


async def _log_done(engine: Engine, person: str = "asha") -> Chat:
    chat = Chat(engine, person)
    await log_deed(chat, FULL_DETAILS, occurred_on="today")
    return chat


async def test_praise_goes_to_the_supervisor_and_the_recognition_channels(engine: Engine) -> None:
    chat = await _log_done(engine)
    await chat.say("feedback")
    action = chat.form.fields[0].options[0].value
    reply = await chat.submit(
        action=action,
        channel="email",
        sentiment="positive",
        words="Asha was wonderful, mail me on jo@example.com",
    )
    # Nothing reaches the channel before the recorder has seen what it will quote.
    assert "This is what will be quoted in the recognition channel" in reply
    assert "mail me on [email]" in reply
    assert [r for r in await _outbox(engine) if r.person_id is None] == []
    reply += await chat.click("Share it")
    assert "Thank you for going the extra mile" in reply
    assert "passed it on to Sam Okafor and the recognition channel" in reply
    to_sam = await _to(engine, "sam")
    assert "Praise for Asha Patel 🌟" in to_sam and "Rang the bus depot" in to_sam
    assert "mail me on [email]" in to_sam and "jo@example.com" not in to_sam
    channels = {(r.platform, r.target) for r in await _outbox(engine) if r.person_id is None}
    assert channels == {("slack", "C0RECOG01"), ("teams", "19:recognition@thread.tacv2")}


async def test_negative_feedback_goes_only_to_the_supervisor(engine: Engine) -> None:
    chat = await _log_done(engine)
    await chat.say("feedback")
    await chat.submit(channel="phone", sentiment="negative", words="Waited ages at the till")
    assert "Customer feedback to look at with Asha" in await _to(engine, "sam")
    assert [r for r in await _outbox(engine) if r.person_id is None] == []


async def test_a_supervisor_records_praise_for_a_team_member(engine: Engine) -> None:
    await _log_done(engine, "asha")
    sam = Chat(engine, "sam")
    await sam.say("feedback")
    about = next(f for f in sam.form.fields if f.name == "about")
    assert {o.value for o in about.options} >= {"sam", "asha", "tom", "leila", "ben"}
    assert "chen" not in {o.value for o in about.options}  # Priya's team
    action = next(f for f in sam.form.fields if f.name == "action").options[0]
    assert action.label.startswith("Asha, ")
    reply = await sam.submit(
        about="asha",
        action=action.value,
        channel="in_person",
        sentiment="positive",
        words="She went above and beyond",
    )
    assert "passed it on to Asha" in reply
    assert "Sam Okafor recorded praise for you" in await _to(engine, "asha")
    assert "Praise for" not in await _to(engine, "sam")  # not to the one who recorded it


async def test_feedback_about_someone_else_s_team_is_refused(engine: Engine) -> None:
    sam = Chat(engine, "sam")
    await sam.say("feedback")
    await sam.submit(about="chen", channel="email", sentiment="positive", words="Great")
    assert "about" in sam.form.errors


async def test_the_follow_up_is_asked_after_the_set_days_twice_at_most(engine: Engine) -> None:
    chat = await _log_done(engine)

    async def job(days: int) -> str:
        return await run_job(
            "follow-up", org=engine.org, database=engine.database, at=NOW + timedelta(days=days)
        )

    assert await job(2) == "asked 0"
    assert await job(3) == "asked 1"
    assert await job(4) == "asked 0"
    assert await job(5) == "asked 1"  # once more
    assert await job(9) == "asked 0"  # then left
    cards = [load_outbound(r.payload) for r in await _outbox(engine) if r.person_id == "asha"]
    asks = [c for c in cards if isinstance(c, Card) and c.title.startswith("How did it go?")]
    assert len(asks) == 2 and "asking once more" in asks[1].title
    chat.last = [asks[-1]]
    await chat.click("Tell me")
    await chat.submit(affected_others="a_little", customer_noticed="yes")
    assert chat.form.errors == {"note": "Say briefly how other customers were affected."}
    reply = await chat.submit(
        note="The queue grew while I was on the phone",
        feedback_since="She emailed thanks from sam@example.org",
    )
    assert "Thank you! That goes on the action." in reply and "I've let Sam know" in reply
    async with UnitOfWork(engine.database) as uow:
        action = (await uow.session.exec(select(ActionRow))).one()
    assert action.affected_others == "a_little" and action.customer_noticed is True
    assert "[email]" in (action.follow_up_note or "")
    assert "extra mile affected other customers (a little)" in await _to(engine, "sam")
    mine = await chat.say("mine")
    assert "Follow-up: a little effect on other customers, the customer noticed" in mine
    assert await job(12) == "asked 0"


async def test_mine_shows_the_feedback_on_each_action(engine: Engine) -> None:
    chat = await _log_done(engine)
    await chat.say("feedback")
    action = chat.form.fields[0].options[0].value
    await chat.submit(action=action, channel="survey", sentiment="positive", words="10/10")
    assert "Feedback (positive): “10/10”" in await chat.say("mine")


async def _praise(engine: Engine, words: str) -> Chat:
    chat = await _log_done(engine)
    await chat.say("feedback")
    action = chat.form.fields[0].options[0].value
    await chat.submit(action=action, channel="email", sentiment="positive", words=words)
    return chat


async def _channel_cards(engine: Engine) -> list[Card]:
    rows = [r for r in await _outbox(engine) if r.person_id is None]
    cards = [load_outbound(r.payload) for r in rows]
    assert all(isinstance(c, Card) for c in cards)
    return cards  # type: ignore[return-value]


async def test_the_channel_quotes_exactly_what_the_recorder_was_shown(engine: Engine) -> None:
    chat = await _praise(
        engine, "Mrs J Brown of 12 Acacia Avenue says Asha was a star; ring 07700 900123."
    )
    [preview] = [r for r in chat.last if isinstance(r, Card) and r.title.startswith("Share")]
    assert preview.text == "This is what will be quoted in the recognition channel:"
    [(title, quoted)] = [(f.label, f.value) for f in preview.fields]
    assert "[name] of [address] says Asha was a star; ring [phone]." in quoted
    assert "Brown" not in quoted and "Acacia" not in quoted and "07700" not in quoted
    await chat.click("Share it")
    posted = await _channel_cards(engine)
    assert len(posted) == 2  # Slack and Teams
    assert all((c.title, c.text) == (title, quoted) for c in posted)


async def test_praise_not_shared_still_reaches_the_supervisor_but_no_channel(
    engine: Engine,
) -> None:
    chat = await _praise(engine, "Asha was lovely")
    assert "Praise for Asha Patel 🌟" in await _to(engine, "sam")
    share = chat.button("Share it")
    reply = await chat.click("Don't share")
    assert "won't be shared" in reply
    assert await _channel_cards(engine) == []
    # The old card's Share button, clicked later, changes nothing.
    late = await chat.send(ButtonClick(chat.sender, share.action_id, share.value, "late"))
    assert isinstance(late[0], Refusal) and await _channel_cards(engine) == []


async def test_only_the_recorder_can_share_and_only_once(engine: Engine) -> None:
    chat = await _praise(engine, "Asha was lovely")
    share = chat.button("Share it")
    tom = Chat(engine, "tom")
    refused = await tom.send(ButtonClick(tom.sender, share.action_id, share.value, "t1"))
    assert isinstance(refused[0], Refusal) and "recorded" in refused[0].text
    assert await _channel_cards(engine) == []
    forged = share.value.rsplit(":", 1)[0] + ":0000000000"
    stale = await chat.send(ButtonClick(chat.sender, share.action_id, forged, "a1"))
    assert await _channel_cards(engine) == [] and not isinstance(stale[0], Card | Text)
    await chat.send(ButtonClick(chat.sender, share.action_id, share.value, "a2"))
    twice = await chat.send(ButtonClick(chat.sender, share.action_id, share.value, "a3"))
    assert isinstance(twice[0], Refusal) and "already" in twice[0].text
    assert len(await _channel_cards(engine)) == 2
    for value in ("", "x", "99999999999999999999:abc", "1"):
        odd = await chat.send(ButtonClick(chat.sender, "feedback.share", value, f"o{value}"))
        assert isinstance(odd[0], Refusal)
