"""Recording customer feedback through the engine; personal data never stored."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.domain.redaction import redact
from bot.engine import Engine
from bot.messages import QuotedMessage
from storage.tables import CustomerFeedbackRow
from storage.uow import UnitOfWork
from tests.fakes.chat import Chat, text_of
from tests.fakes.deeds import log_deed


async def _stored(engine: Engine) -> list[CustomerFeedbackRow]:
    async with UnitOfWork(engine.database) as uow:
        return list((await uow.session.exec(select(CustomerFeedbackRow))).all())


@pytest.mark.parametrize(
    ("said", "stored"),
    [
        ("Mail me: jo.bloggs+x@example.co.uk", "Mail me: [email]"),
        ("Card 4111 1111 1111 1111 charged twice", "Card [card number] charged twice"),
        ("Call 07700 900123 or +44 20 7946 0958", "Call [phone] or [phone]"),
        ("Delivered to SW1A 1AA same day", "Delivered to [postcode] same day"),
        ("Paid £25.50 on 12/11/2026, 5 stars 🌟", "Paid £25.50 on 12/11/2026, 5 stars 🌟"),
    ],
)
def test_redaction(said: str, stored: str) -> None:
    assert redact(said) == stored


async def test_feedback_is_saved_redacted_and_shown_as_stored(engine: Engine) -> None:
    chat = Chat(engine, "asha")
    await log_deed(
        chat,
        {
            "context": "busy",
            "approach": "initiative",
            "customer_aware": "yes",
            "offer": "gift-wrap",
        },
        occurred_on="today",
        customer_need="Needed a parcel wrapped",
        extra="Wrapped it free",
        result="Happy",
    )
    await chat.say("feedback")
    action_choice = chat.form.fields[0].options[0]
    assert "Wrapped it free" in action_choice.label
    reply = await chat.submit(
        action=action_choice.value,
        channel="email",
        sentiment="positive",
        words="Thank you! Write to me at a@b.com",
        rating="5",
    )
    assert "Feedback saved" in reply and "Thank you! Write to me at [email]" in reply
    [row] = await _stored(engine)
    assert row.words == "Thank you! Write to me at [email]"
    assert row.action_id == int(action_choice.value) and row.rating == 5


async def test_feedback_errors_keep_what_was_typed(engine: Engine) -> None:
    chat = Chat(engine, "tom")
    await chat.say("feedback They loved the free coffee")
    await chat.submit(action="999", sentiment="")
    assert set(chat.form.errors) == {"action", "channel", "sentiment"}
    assert {f.name: f.value for f in chat.form.fields}["words"] == "They loved the free coffee"
    assert await _stored(engine) == []


async def test_a_quoted_message_starts_feedback_with_its_words(engine: Engine) -> None:
    chat = Chat(engine, "asha", platform="slack")
    chat.person_id = "U0ASHA01"
    replies = await chat.send(
        QuotedMessage(chat.sender, "Best shop in town <@U0SAM001>", "U0CUSTOMER", "slack:q1")
    )
    assert "Customer feedback" in text_of(replies)
    assert {f.name: f.value for f in chat.form.fields}["words"] == "Best shop in town <@U0SAM001>"
    await chat.submit(channel="online_review", sentiment="positive")
    [row] = await _stored(engine)
    assert row.quoted_from == "U0CUSTOMER" and row.action_id is None
