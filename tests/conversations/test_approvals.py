"""Feasibility requests through the engine: routing, one-click decisions, the rules."""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select

from bot.delivery.codec import load_outbound
from bot.engine import Engine
from bot.messages import ButtonClick, Card, CardUpdate, Outbound, Refusal, Sender
from storage.tables import AuditLogRow, FeasibilityRequestRow, OutboxRow
from storage.uow import UnitOfWork
from tests.fakes.chat import Chat, text_of
from tests.fakes.deeds import EVERY_BOX, propose_idea

# The idea (tests/fakes/deeds.py IDEA): £18 and 10 minutes, over staff authority, the
# authority box left unticked (not sure), guidelines, regulations and others ticked.


async def outbox_for(engine: Engine, person: str) -> list[Outbound]:
    async with UnitOfWork(engine.database) as uow:
        rows = (
            await uow.session.exec(
                select(OutboxRow).where(OutboxRow.person_id == person).order_by(col(OutboxRow.id))
            )
        ).all()
    return [load_outbound(r.payload) for r in rows]


async def request_row(engine: Engine) -> FeasibilityRequestRow:
    async with UnitOfWork(engine.database) as uow:
        return (await uow.session.exec(select(FeasibilityRequestRow))).one()


async def propose(engine: Engine, person: str = "asha", **values: str) -> str:
    """The idea form filled in and sent: what the proposer read."""
    return await propose_idea(Chat(engine, person), **values)


def request_click(card: Card, label: str, who: str, key: str) -> ButtonClick:
    from bot.messages import Sender

    button = next(b for b in card.buttons if b.label == label)
    return ButtonClick(Sender("console", who), button.action_id, button.value, key)


async def sams_card(engine: Engine) -> Card:
    cards = [m for m in await outbox_for(engine, "sam") if isinstance(m, Card)]
    assert cards, "Sam got no card"
    return cards[-1]


async def test_an_idea_inside_authority_goes_ahead_with_no_request(engine: Engine) -> None:
    reply = await propose(engine, cost="4", checked=EVERY_BOX)
    assert "Go ahead: it's within your authority" in reply
    async with UnitOfWork(engine.database) as uow:
        assert (await uow.session.exec(select(FeasibilityRequestRow))).all() == []
    assert await outbox_for(engine, "sam") == []


async def test_an_idea_beyond_authority_reaches_the_supervisor(engine: Engine) -> None:
    reply = await propose(engine)
    assert "Sent to Sam Okafor to check" in reply
    assert "it costs £18.00, over the £10.00 staff can spend" in reply
    assert "you weren't sure it is within your authority" in reply
    card = await sams_card(engine)
    text = text_of([card])
    assert card.title == "Asha asks to spend £18 and 10 min, for today"
    assert "Proposed extra: Give her a new cake" in text
    # The rest is behind More (issue 16).
    [more] = await engine.handle(request_click(card, "More", "sam", "k-more"))
    assert isinstance(more, CardUpdate)
    assert "Why (in their words): A loyal customer" in text_of([more.card])
    assert "Cost and time: £18.00 · 10 minutes (staff may: £10.00 · 15 min)" in text
    assert "Within their authority?: Not sure" in text and "Affects other customers?: No" in text
    assert [b.label for b in card.buttons] == [
        "Approve",
        "Approve with a comment",
        "Decline",
        "Ask for more info",
        "More",
    ]
    request = await request_row(engine)
    assert request.approver_id == "sam" and request.status == "pending"


async def test_approve_tells_the_requester_and_updates_every_card(engine: Engine) -> None:
    await propose(engine)
    card = await sams_card(engine)
    replies = await engine.handle(request_click(card, "Approve", "sam", "k-approve"))
    [update] = [r for r in replies if isinstance(r, CardUpdate)]
    assert update.card_key == card.card_key and update.card.buttons == ()
    assert "✅ Approved by Sam Okafor" in update.card.text
    assert "Approved. I've told Asha." in text_of(replies)
    told = [m for m in await outbox_for(engine, "asha") if isinstance(m, Card)]
    assert told[-1].title == "Sam Okafor approved your idea ✅"
    assert "Go ahead: Give her a new cake" in told[-1].text
    assert any(isinstance(m, CardUpdate) for m in await outbox_for(engine, "sam"))
    async with UnitOfWork(engine.database) as uow:
        audit = (await uow.session.exec(select(AuditLogRow.action))).all()
    assert "request.approved" in audit
    assert (await request_row(engine)).status == "approved"


async def test_decline_asks_for_a_reason_then_tells_the_requester(engine: Engine) -> None:
    await propose(engine)
    sam = Chat(engine, "sam")
    sam.last = [await sams_card(engine)]
    await sam.click("Decline")
    assert sam.form.title == "Decline the request"
    await sam.submit(reason="")
    assert sam.form.errors == {"reason": "A few words, please."}
    reply = await sam.submit(reason="Cakes are food safety; offer a voucher instead")
    assert "Declined. I've told Asha." in reply
    told = [m for m in await outbox_for(engine, "asha") if isinstance(m, Card)][-1]
    assert told.title == "Sam Okafor declined your idea"
    assert "Cakes are food safety" in told.text
    # The next step is one tap: another idea, in the idea form.
    asha = Chat(engine, "asha")
    asha.last = [told]
    await asha.click("Propose another idea")
    assert asha.form.form_id == "log-idea"
    row = await request_row(engine)
    assert row.status == "declined" and row.decision_reason.startswith("Cakes")


async def test_ask_for_more_info_then_the_answer_shows_on_the_card(engine: Engine) -> None:
    await propose(engine)
    sam = Chat(engine, "sam")
    sam.last = [await sams_card(engine)]
    await sam.click("Ask for more info")
    reply = await sam.submit(question="Which cake, and what did it cost her?")
    assert "Asked." in reply
    [update] = [r for r in sam.last if isinstance(r, CardUpdate)]
    assert update.card.buttons == () and "Waiting for Asha Patel's answer" in update.card.text
    asha = Chat(engine, "asha")
    asha.last = [m for m in await outbox_for(engine, "asha") if isinstance(m, Card)][-1:]
    assert "Which cake" in asha.last[0].text
    await asha.click("Answer")
    reply = await asha.submit(answer="The £18 chocolate one from our bakery")
    assert "Sent your answer to Sam Okafor" in reply
    # One card per request (issue 16): the answer updates it in place.
    card = [m for m in await outbox_for(engine, "sam") if isinstance(m, CardUpdate)][-1].card
    assert "Asha Patel answered your question." in card.text
    assert "Answer: The £18 chocolate one" in text_of([card])
    assert [b.label for b in card.buttons] == [
        "Approve",
        "Approve with a comment",
        "Decline",
        "Ask for more info",
        "More",
    ]
    sam.last = [card]
    assert "Approved" in await sam.click("Approve")


async def test_a_second_click_or_a_second_supervisor_is_told_who_decided(engine: Engine) -> None:
    await propose(engine)
    card = await sams_card(engine)
    await engine.handle(request_click(card, "Approve", "sam", "k1"))
    again = await engine.handle(request_click(card, "Decline", "sam", "k2"))
    assert "Sam Okafor already approved this request" in text_of(again)
    by_maria = await engine.handle(request_click(card, "Approve", "maria", "k3"))
    assert "Sam Okafor already approved this request" in text_of(by_maria)
    assert (await request_row(engine)).decided_by == "sam"


async def test_a_retried_click_decides_nothing_twice_and_shows_the_card(engine: Engine) -> None:
    await propose(engine)
    card = await sams_card(engine)
    click = request_click(card, "Approve", "sam", "teams:resent-1")
    first = await engine.handle(click)
    second = await engine.handle(click)  # the same event again
    assert "Approved. I've told Asha." in text_of(first)
    [update] = second
    assert isinstance(update, CardUpdate) and "✅ Approved by Sam Okafor" in update.card.text
    told = [m for m in await outbox_for(engine, "asha") if isinstance(m, Card)]
    assert len([t for t in told if "approved your idea" in t.title]) == 1


async def test_someone_outside_the_chain_is_refused_and_nothing_changes(engine: Engine) -> None:
    await propose(engine)
    card = await sams_card(engine)
    by_priya = await engine.handle(request_click(card, "Approve", "priya", "k4"))
    assert "only Asha's supervisors or a manager can decide" in text_of(by_priya)
    by_tom = await engine.handle(request_click(card, "Decline", "tom", "k5"))
    assert "only Asha's supervisors or a manager" in text_of(by_tom)
    assert (await request_row(engine)).status == "pending"


async def test_a_manager_outside_the_chain_may_decide(engine: Engine) -> None:
    await propose(engine, "chen")  # Chen reports to Priya, then Maria
    cards = [m for m in await outbox_for(engine, "priya") if isinstance(m, Card)]
    replies = await engine.handle(request_click(cards[-1], "Approve", "maria", "k6"))
    assert "Approved. I've told Chen." in text_of(replies)


async def test_nobody_approves_their_own_request(engine: Engine) -> None:
    await propose(engine, "sam")  # Sam's own idea goes to Maria
    cards = [m for m in await outbox_for(engine, "maria") if isinstance(m, Card)]
    replies = await engine.handle(request_click(cards[-1], "Approve", "sam", "k7"))
    assert "You can't decide on your own request" in text_of(replies)
    assert (await request_row(engine)).status == "pending"


async def test_waiting_lists_requests_oldest_first_with_their_age(
    engine: Engine, clock: Any
) -> None:
    await propose(engine, "asha")
    await propose(engine, "tom")
    reply = await Chat(engine, "sam").say("waiting")
    assert "Waiting on you, oldest first (2)" in reply
    assert reply.index("Asha Patel") < reply.index("Tom Reilly")
    assert "waiting under an hour" in reply
    assert "Nothing is waiting on you" in await Chat(engine, "priya").say("waiting")


def only_refusal(replies: list[Outbound]) -> str:
    """The reply is a refusal alone (no card, no card update): its text."""
    assert [type(r) for r in replies] == [Refusal], replies
    [refusal] = replies
    assert isinstance(refusal, Refusal)
    return refusal.text


async def test_every_refused_click_says_so_and_shows_no_card(engine: Engine) -> None:
    await propose(engine)
    card = await sams_card(engine)
    for label, who in (("Approve", "tom"), ("Decline", "priya"), ("Ask for more info", "ben")):
        replies = await engine.handle(request_click(card, label, who, f"k-{label}-{who}"))
        assert "only Asha's supervisors or a manager can decide" in only_refusal(replies)
    mine = await engine.handle(request_click(card, "Approve", "asha", "k-own"))
    assert "You can't decide on your own request" in only_refusal(mine)
    stale = ButtonClick(Sender("console", "sam"), "request.approve", "999", "k-gone")
    assert "can't find that request" in only_refusal(await engine.handle(stale))
    unknown = ButtonClick(Sender("console", "sam"), "forged.approve", "1", "k-unknown")
    assert "don't recognise that button" in only_refusal(await engine.handle(unknown))
    assert (await request_row(engine)).status == "pending"


async def test_a_stranger_clicking_approve_is_told_they_are_not_in_the_organisation(
    engine: Engine,
) -> None:
    await propose(engine)
    card = await sams_card(engine)
    button = next(b for b in card.buttons if b.label == "Approve")
    click = ButtonClick(Sender("slack", "U0STRANGE"), button.action_id, button.value, "k-s")
    said = only_refusal(await engine.handle(click))
    assert "not in Riverside Stores's organisation" in said and "Ola Adeyemi" in said
    assert (await request_row(engine)).status == "pending"


async def test_a_refused_click_sent_again_is_refused_again(engine: Engine) -> None:
    await propose(engine)
    card = await sams_card(engine)
    click = request_click(card, "Approve", "tom", "teams:resent-tom")
    first = await engine.handle(click)
    second = await engine.handle(click)  # the same event again: the replay path
    for replies in (first, second):
        assert "only Asha's supervisors" in only_refusal(replies)
    # Whoever may decide still gets the card as it is now.
    sams = request_click(card, "Approve", "sam", "teams:resent-sam")
    await engine.handle(sams)
    [update] = await engine.handle(sams)
    assert isinstance(update, CardUpdate) and "✅ Approved by Sam Okafor" in update.card.text
    again = await engine.handle(click)  # and a refused one still nothing, once decided
    assert "only Asha's supervisors" in only_refusal(again)
