"""Clicks that are refused answer with a Refusal alone (the adapters then leave the
clicked card as it was): someone else's follow-up, one answered already."""

from __future__ import annotations

from datetime import date

from bot.domain.actions import ActionStatus, Approach, CheckedAction, Context
from bot.engine import Engine
from bot.messages import ButtonClick, Refusal, Sender
from storage.actions import add_action
from storage.uow import UnitOfWork


async def test_someone_elses_follow_up_is_refused(engine: Engine) -> None:
    async with UnitOfWork(engine.database) as uow:
        action = await add_action(
            uow,
            "asha",
            CheckedAction(
                occurred_on=date(2026, 11, 16),
                customer_need="Heavy shopping",
                offer_item_id="carry-out",
                extra="Carried it to the car",
                status=ActionStatus.DONE,
                context=Context.BUSY,
                approach=Approach.INITIATIVE,
                customer_aware=True,
                result="Grateful",
            ),
        )
        await uow.commit()
    click = ButtonClick(Sender("console", "tom"), "form.open", f"follow-up:{action.id}", "k-fu")
    replies = await engine.handle(click)
    assert [type(r) for r in replies] == [Refusal], replies
    assert "isn't yours" in replies[0].text  # type: ignore[union-attr]


async def test_a_witness_click_naming_no_statement_is_refused_politely(engine: Engine) -> None:
    """Anyone can send any button value: a superscript digit or a number too big for the
    database names nothing, and is answered like any statement that is not theirs."""
    for n, value in enumerate(["²:saw", "99999999999999999999:saw", "x:saw"]):
        click = ButtonClick(Sender("console", "tom"), "witness.answer", value, f"k-w{n}")
        replies = await engine.handle(click)
        assert [type(r) for r in replies] == [Refusal], (value, replies)


async def test_someone_else_asked_about_an_odd_action_is_refused_politely(engine: Engine) -> None:
    for n, value in enumerate(["²", "99999999999999999999"]):
        click = ButtonClick(Sender("console", "asha"), "witness.others", value, f"k-o{n}")
        replies = await engine.handle(click)
        assert not any("something went wrong" in str(r) for r in replies), (value, replies)
