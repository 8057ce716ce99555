"""The nomination rule at its edges, and a manager's Adopt and Dismiss (engine level)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from app.jobs import run_job
from bot.delivery.codec import load_outbound
from bot.domain.actions import ActionStatus, Approach, CheckedAction, Context
from bot.engine import Engine
from bot.messages import ButtonClick, Card, CardUpdate, Form, FormSubmission, Refusal, Sender
from storage.actions import add_action
from storage.database import Database
from storage.practices import assign_practice, create_practice, practice_of
from storage.tables import ActionRow, NominationRow, OutboxRow, PracticeRow, ServiceOfferItemRow
from storage.uow import UnitOfWork
from tests.conftest import NOW
from tests.fakes.chat import Chat, text_of
from tests.fakes.deeds import log_deed

MONDAY = date(2026, 11, 16)


def deed(day: date, extra: str = "Carried it") -> CheckedAction:
    """An action that succeeded: done, and the customer knew it was extra."""
    return CheckedAction(
        occurred_on=day,
        customer_need="Heavy shopping",
        offer_item_id="carry-out",
        extra=extra,
        status=ActionStatus.DONE,
        context=Context.BUSY,
        approach=Approach.INITIATIVE,
        customer_aware=True,
        result="Grateful",
    )


async def seed_practice(
    database: Database,
    deeds: list[tuple[str, date]],
    *,
    affected: str | None = None,
    title: str = "Carry heavy shopping to the customer's car",
) -> int:
    """A practice with one successful action per (person, day)."""
    async with UnitOfWork(database) as uow:
        practice = await create_practice(uow, title, "asha", NOW)
        for index, (person, day) in enumerate(deeds):
            action = await add_action(
                uow,
                person,
                deed(day, "Carried the shopping to the car"),
            )
            await assign_practice(uow, action.id, practice)
            if affected and index == 0:
                row = await uow.session.get(ActionRow, action.id)
                assert row is not None
                row.affected_others = affected
                uow.session.add(row)
        await uow.commit()
    return practice


async def nominated(engine: Engine) -> list[NominationRow]:
    await run_job("nominations", org=engine.org, database=engine.database, at=NOW)
    async with UnitOfWork(engine.database) as uow:
        return list((await uow.session.exec(select(NominationRow))).all())


ENOUGH = [("asha", MONDAY), ("tom", MONDAY), ("asha", MONDAY + timedelta(days=7))]


async def test_nominated_at_the_rule_exactly(engine: Engine) -> None:
    await seed_practice(engine.database, ENOUGH)  # 3 successes, 2 people, 2 weeks
    [row] = await nominated(engine)
    assert (row.status, row.successes, row.people, row.weeks) == ("open", 3, 2, 2)


@pytest.mark.parametrize(
    ("deeds", "why"),
    [
        (ENOUGH[:2], "one success short"),
        (
            [("asha", MONDAY), ("asha", MONDAY), ("asha", MONDAY + timedelta(days=7))],
            "one person short",
        ),
        (
            [("asha", MONDAY), ("tom", MONDAY), ("asha", MONDAY + timedelta(days=1))],
            "one week short",
        ),
    ],
)
async def test_not_nominated_one_short(
    engine: Engine, deeds: list[tuple[str, date]], why: str
) -> None:
    await seed_practice(engine.database, deeds)
    assert await nominated(engine) == [], why


async def test_an_action_that_affected_others_does_not_count(engine: Engine) -> None:
    await seed_practice(engine.database, ENOUGH, affected="yes")
    assert await nominated(engine) == []
    await seed_practice(engine.database, ENOUGH, affected="a_little", title="Other")
    assert len(await nominated(engine)) == 1  # a little is not a marked effect


async def _maria_card(engine: Engine) -> Card:
    async with UnitOfWork(engine.database) as uow:
        rows = (
            await uow.session.exec(select(OutboxRow).where(OutboxRow.person_id == "maria"))
        ).all()
    cards = [m for r in rows for m in [load_outbound(r.payload)] if isinstance(m, Card)]
    return cards[-1]


async def test_adopt_adds_to_the_offer_and_thanks_the_people(engine: Engine) -> None:
    await seed_practice(engine.database, ENOUGH)
    await nominated(engine)
    card = await _maria_card(engine)
    assert (
        card.title == "Nominated for the routine offer: Carry heavy shopping to the customer's car"
    )
    assert "3 times, for 2 people, over 2 weeks" in text_of([card])
    maria = Chat(engine, "maria")
    maria.last = [card]
    await maria.click("Adopt")
    assert maria.form.fields[0].value == card.title.split(": ", 1)[1]
    reply = await maria.submit(wording="Help to the car with any heavy shopping, on request")
    assert "is now part of our routine offer" in reply
    [update] = [r for r in maria.last if isinstance(r, CardUpdate)]
    assert "✅ Adopted by Maria Lopez" in update.card.text and update.card.buttons == ()
    offer = await Chat(engine, "ben").say("offer")
    assert "Help to the car with any heavy shopping" in offer and "adopted Sun 22 Nov" in offer
    async with UnitOfWork(engine.database) as uow:
        thanked = {
            r.person_id
            for r in (await uow.session.exec(select(OutboxRow))).all()
            if "part of our routine offer" in str(r.payload)
        }
    assert thanked == {"asha", "tom"}
    assert await nominated(engine) != [] and (await nominated(engine))[0].status == "adopted"


async def test_dismiss_then_not_again_until_successes_double(engine: Engine) -> None:
    practice = await seed_practice(engine.database, ENOUGH)
    await nominated(engine)
    maria = Chat(engine, "maria")
    maria.last = [await _maria_card(engine)]
    await maria.click("Dismiss")
    assert "Dismissed" in await maria.submit(reason="Not safe with trolleys in the car park")
    async with UnitOfWork(engine.database) as uow:
        for person, day in ENOUGH[:2]:
            action = await add_action(
                uow,
                person,
                deed(day + timedelta(days=14), "Carried it"),
            )
            await assign_practice(uow, action.id, practice)
        await uow.commit()
    assert (await nominated(engine))[0].status == "dismissed"  # 5 < 2 × 3
    async with UnitOfWork(engine.database) as uow:
        action = await add_action(
            uow,
            "ben",
            deed(MONDAY, "Carried it"),
        )
        await assign_practice(uow, action.id, practice)
        await uow.commit()
    assert (await nominated(engine))[0].status == "open"  # 6 = 2 × 3


async def test_only_managers_decide(engine: Engine) -> None:
    await seed_practice(engine.database, ENOUGH)
    await nominated(engine)
    sam = Chat(engine, "sam")
    sam.last = [await _maria_card(engine)]
    assert "Only a manager" in await sam.click("Adopt")


async def test_logging_suggests_a_similar_practice_and_the_choice_counts(engine: Engine) -> None:
    await seed_practice(engine.database, [("tom", MONDAY)])
    chat = Chat(engine, "asha")
    reply = await log_deed(chat, extra="carried her shopping bags out to the car")
    assert "Is this the same as one of these?" in reply
    assert "Carry heavy shopping to the customer's car" in reply  # its title, no count (issue 17)
    assert "noted as the same kind" in await chat.click(
        "Carry heavy shopping to the customer's car"
    )


async def test_staff_can_suggest_a_practice_themselves(engine: Engine) -> None:
    await seed_practice(engine.database, [("asha", MONDAY)])
    chat = Chat(engine, "asha")
    await chat.say("suggest")
    reply = await chat.submit(
        practice=chat.form.fields[0].options[0].value, reason="Customers ask for it every week"
    )
    assert "gone to the managers" in reply
    card = await _maria_card(engine)
    assert "Suggested by Asha Patel: Customers ask for it every week" in text_of([card])


async def test_the_offer_is_searchable(engine: Engine) -> None:
    chat = Chat(engine, "asha")
    reply = await chat.say("offer delivery")
    assert "matching “delivery”: 1 of 9" in reply and "Home delivery within 10 miles" in reply
    assert "Nothing in our offer matches" in await chat.say("offer helicopter")


async def _nomination_rows(engine: Engine) -> list[NominationRow]:
    async with UnitOfWork(engine.database) as uow:
        return list((await uow.session.exec(select(NominationRow))).all())


async def _decide(engine: Engine, label: str, **typed: str) -> Card:
    """Maria adopts or dismisses the nomination; returns the card she clicked."""
    await nominated(engine)
    card = await _maria_card(engine)
    maria = Chat(engine, "maria")
    maria.last = [card]
    await maria.click(label)
    await maria.submit(**typed)
    return card


async def _asha_suggests(engine: Engine) -> str:
    asha = Chat(engine, "asha")
    await asha.say("suggest")
    return await asha.submit(
        practice=asha.form.fields[0].options[0].value, reason="Customers ask for it every week"
    )


async def test_a_suggestion_does_not_reopen_an_adopted_nomination(engine: Engine) -> None:
    await seed_practice(engine.database, ENOUGH)
    card = await _decide(engine, "Adopt", wording="Help to the car with heavy shopping")
    cards_before = len([r for r in await _outbox(engine, "maria")])
    reply = await _asha_suggests(engine)
    assert "already part of our routine offer" in reply
    [row] = await _nomination_rows(engine)
    assert row.status == "adopted" and row.suggested_by is None
    assert len(await _outbox(engine, "maria")) == cards_before  # no new card for managers
    # Adopt again on the old card: told it was adopted, and no primary-key clash.
    maria = Chat(engine, "maria")
    maria.last = [card]
    reply = await maria.click("Adopt")
    assert "adopted already" in reply and "went wrong" not in reply
    assert not any(isinstance(r, Form) for r in maria.last)
    async with UnitOfWork(engine.database) as uow:
        assert (
            len(
                (
                    await uow.session.exec(
                        select(ServiceOfferItemRow.id).where(
                            ServiceOfferItemRow.source == "adopted"
                        )
                    )
                ).all()
            )
            == 1
        )


async def test_a_suggestion_does_not_reopen_a_dismissed_nomination(engine: Engine) -> None:
    await seed_practice(engine.database, ENOUGH)
    await _decide(engine, "Dismiss", reason="Not safe with trolleys in the car park")
    reply = await _asha_suggests(engine)
    assert "Not safe with trolleys in the car park" in reply
    [row] = await _nomination_rows(engine)
    assert row.status == "dismissed"


async def test_only_a_practice_with_ones_own_actions_can_be_suggested(engine: Engine) -> None:
    practice = await seed_practice(engine.database, [("asha", MONDAY)])
    forged = FormSubmission(
        Sender("console", "ben"),
        "practice-suggest",
        {"practice": str(practice), "reason": "I like it"},
        "k-forged-suggestion",
    )
    replies = await engine.handle(forged)
    assert [type(r) for r in replies] == [Refusal]
    assert await _nomination_rows(engine) == []
    assert await _outbox(engine, "maria") == []


async def test_picking_a_practice_assigns_only_ones_own_action(engine: Engine) -> None:
    practice = await seed_practice(engine.database, [("asha", MONDAY)])
    async with UnitOfWork(engine.database) as uow:
        toms = await add_action(uow, "tom", deed(MONDAY))
        await uow.commit()
    asha = Sender("console", "asha")
    pick = ButtonClick(asha, "practice.pick", f"{toms.id}:{practice}", "k-pick-toms")
    new = ButtonClick(asha, "practice.new", str(toms.id), "k-new-toms")
    for click in (pick, new):
        replies = await engine.handle(click)
        assert [type(r) for r in replies] == [Refusal], replies
    async with UnitOfWork(engine.database) as uow:
        assert await practice_of(uow, toms.id) is None
        assert len((await uow.session.exec(select(PracticeRow))).all()) == 1
    # Tom may pick for his own action.
    tom = Sender("console", "tom")
    replies = await engine.handle(
        ButtonClick(tom, "practice.pick", f"{toms.id}:{practice}", "k-pick-own")
    )
    assert "noted as the same kind" in replies[0].text  # type: ignore[union-attr]
    async with UnitOfWork(engine.database) as uow:
        assert await practice_of(uow, toms.id) == practice


async def _outbox(engine: Engine, person: str) -> list[OutboxRow]:
    async with UnitOfWork(engine.database) as uow:
        return list(
            (await uow.session.exec(select(OutboxRow).where(OutboxRow.person_id == person))).all()
        )


async def test_a_suggestion_adds_to_an_open_nomination(engine: Engine) -> None:
    await seed_practice(engine.database, ENOUGH)
    await nominated(engine)
    assert "gone to the managers" in await _asha_suggests(engine)
    [row] = await _nomination_rows(engine)
    assert (row.status, row.suggested_by) == ("open", "asha")
    assert row.suggestion == "Customers ask for it every week"
