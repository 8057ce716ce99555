"""The supervisor decides from the notification (issue 16): the first line says what is
asked and for when, six fields before the buttons and the rest behind More, Approve with a
comment, a delegate told whom they cover for, and one card per request."""

from __future__ import annotations

from adapters.slack.render import card_message
from adapters.teams.cards import card_json
from bot.engine import Engine
from bot.messages import Card, CardUpdate, Text
from tests.conversations.test_approvals import outbox_for, propose, request_click, sams_card
from tests.fakes.chat import Chat, text_of
from tests.fakes.teams_harness import assert_valid_card

COMPUTED = [
    "Cost and time",
    "Within their authority?",
    "Within our guidelines?",
    "Within the regulations?",
    "Affects other customers?",
]
FIRST_LINE = "Asha asks to spend £18 and 10 min, for today"


async def test_the_first_line_says_the_amount_the_time_and_the_day(engine: Engine) -> None:
    await propose(engine)
    card = await sams_card(engine)
    assert card.title == FIRST_LINE
    # What a phone's notification shows: the message's fallback text.
    assert card_message(card).text == FIRST_LINE


async def test_six_fields_before_the_buttons_and_the_rest_behind_more(engine: Engine) -> None:
    await propose(engine)
    card = await sams_card(engine)
    labels = [f.label for f in card.fields]
    assert len(labels) <= 6 and labels[:5] == COMPUTED
    assert "Proposed extra" in labels
    assert [b.label for b in card.buttons] == [
        "Approve",
        "Approve with a comment",
        "Decline",
        "Ask for more info",
        "More",
    ]
    assert_valid_card(card_json(card))
    replies = await engine.handle(request_click(card, "More", "sam", "k-more"))
    [more] = [r for r in replies if isinstance(r, CardUpdate)]
    assert more.card_key == card.card_key
    shown = [f.label for f in more.card.fields]
    assert shown[:5] == COMPUTED  # still first: nothing typed above the real figures
    # The idea form asks no offer item, so the card claims none (issue 16).
    assert "Routine offer" not in shown
    for label in ("Customer's need", "Why (in their words)", "Asked"):
        assert label in shown
    assert "Why (in their words): A loyal customer" in text_of([more.card])
    assert "More" not in [b.label for b in more.card.buttons]
    assert "Approve" in [b.label for b in more.card.buttons]  # still decidable
    assert_valid_card(card_json(more.card))
    # Nobody outside the chain sees the rest.
    refused = await engine.handle(request_click(card, "More", "priya", "k-more-2"))
    assert not any(isinstance(r, CardUpdate) for r in refused)


async def test_approve_with_a_comment_reaches_the_requester_and_the_card(
    engine: Engine,
) -> None:
    await propose(engine)
    sam = Chat(engine, "sam")
    sam.last = [await sams_card(engine)]
    await sam.click("Approve with a comment")
    assert sam.form.title == "Approve the request"
    assert not sam.form.fields[0].required
    reply = await sam.submit(comment="Yes, and take it from the bakery counter")
    assert "Approved. I've told Asha." in reply
    [update] = [r for r in sam.last if isinstance(r, CardUpdate)]
    assert "✅ Approved by Sam Okafor" in update.card.text
    assert "take it from the bakery counter" in update.card.text
    told = [m for m in await outbox_for(engine, "asha") if isinstance(m, Card)][-1]
    assert told.title == "Sam Okafor approved your idea ✅"
    assert "take it from the bakery counter" in told.text


async def test_an_empty_comment_approves_plainly(engine: Engine) -> None:
    await propose(engine)
    sam = Chat(engine, "sam")
    sam.last = [await sams_card(engine)]
    await sam.click("Approve with a comment")
    assert "Approved. I've told Asha." in await sam.submit(comment="")
    told = [m for m in await outbox_for(engine, "asha") if isinstance(m, Card)][-1]
    assert "said" not in told.text


async def test_a_delegate_is_told_whom_they_cover_for(engine: Engine) -> None:
    await Chat(engine, "sam").say("away until 2026-11-30 delegate priya")
    await propose(engine)
    [card] = [m for m in await outbox_for(engine, "priya") if isinstance(m, Card)]
    assert "You're covering for Sam Okafor while they're away." in card.text


async def test_the_answer_updates_the_one_card_in_place(engine: Engine) -> None:
    await propose(engine)
    sam = Chat(engine, "sam")
    sam.last = [await sams_card(engine)]
    await sam.click("Ask for more info")
    await sam.submit(question="Which cake?")
    asha = Chat(engine, "asha")
    asha.last = [m for m in await outbox_for(engine, "asha") if isinstance(m, Card)][-1:]
    await asha.click("Answer")
    await asha.submit(answer="The £18 chocolate one")
    sent = await outbox_for(engine, "sam")
    assert len([m for m in sent if isinstance(m, Card)]) == 1  # the full card, once
    update = [m for m in sent if isinstance(m, CardUpdate)][-1]
    assert "Asha Patel answered your question." in update.card.text
    assert "Answer: The £18 chocolate one" in text_of([update.card])
    assert update.card.buttons[0].label == "Approve"
    # A short word, so the phone still buzzes, without the card again.
    notices = [m for m in sent if isinstance(m, Text)]
    assert notices and "The £18 chocolate one" in notices[-1].text


async def test_the_card_keeps_its_date_after_approve_and_more(engine: Engine) -> None:
    await propose(engine)
    card = await sams_card(engine)
    more = await engine.handle(request_click(card, "More", "sam", "k-date-more"))
    assert [r.card.title for r in more if isinstance(r, CardUpdate)] == [FIRST_LINE]
    replies = await engine.handle(request_click(card, "Approve", "sam", "k-date-approve"))
    [inline] = [r for r in replies if isinstance(r, CardUpdate)]
    assert inline.card.title == FIRST_LINE
    queued = [m for m in await outbox_for(engine, "sam") if isinstance(m, CardUpdate)]
    assert queued and all(m.card.title == FIRST_LINE for m in queued)
