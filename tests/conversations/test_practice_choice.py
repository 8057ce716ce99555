"""Which practice is this? (issue 17) After a deed is saved the person always chooses:
one of three likely practices, any practice from a select ranked by likeness, or "It's
something new". The pick counts (and is a label the threshold learns from); refused clicks
change nothing."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import col, select

from bot.domain.practice_matching import method_in_use
from bot.domain.practice_threshold import fit_threshold
from bot.engine import Engine
from bot.features.nominations.titles import MAX_TITLE, phrase, title_for
from bot.messages import ButtonClick, FieldKind, FormSubmission, Refusal, Sender
from storage.actions import add_action
from storage.database import Database
from storage.practice_labels import PracticeLabelRow, add_label
from storage.practices import create_practice, practice_of
from storage.tables import ActionRow, PracticeRow
from storage.uow import UnitOfWork
from tests.conftest import NOW
from tests.conversations.test_nominations import MONDAY, deed, seed_practice
from tests.fakes import deeds
from tests.fakes.chat import Chat

CARRY = "Carry heavy shopping to the customer's car"
ANOTHER = "Another practice…"
NEW = "It's something new"


async def log_deed(chat: Chat, extra: str) -> str:
    """Log a deed through the form (saved on submit); what the person is told."""
    return await deeds.log_deed(chat, extra=extra)


async def three_practices(engine: Engine) -> dict[str, int]:
    return await seed_three(engine.database)


async def seed_three(database: Database) -> dict[str, int]:
    """Three practices of one deed each (Tom's): carrying shopping, an umbrella, a taxi."""
    ids = {}
    for title, words in (
        (CARRY, "Carried the shopping to the car"),
        ("Lent an umbrella in the rain", "Lent her my umbrella as it was pouring"),
        ("Called a taxi for an elderly customer", "Rang a taxi and waited with him"),
    ):
        ids[title] = await seed_practice(database, [("tom", MONDAY)], title=title)
        async with UnitOfWork(database) as uow:
            row = await uow.session.get(ActionRow, await _latest_action(uow))
            assert row is not None
            row.extra = words
            uow.session.add(row)
            await uow.commit()
    return ids


async def _latest_action(uow: UnitOfWork) -> int:
    found = (
        await uow.session.exec(select(ActionRow.id).order_by(col(ActionRow.id).desc()))
    ).first()
    assert found is not None
    return found


async def snapshot(engine: Engine) -> tuple[object, ...]:
    """Everything a practice answer may change: practices, placements, labels."""
    async with UnitOfWork(engine.database) as uow:
        practices = (await uow.session.exec(select(PracticeRow.id, PracticeRow.title))).all()
        placed = (await uow.session.exec(select(ActionRow.id, ActionRow.practice_id))).all()
        labels = (await uow.session.exec(select(PracticeLabelRow.action_id))).all()
    return (sorted(practices), sorted(placed), sorted(labels))


async def labels(engine: Engine) -> list[PracticeLabelRow]:
    async with UnitOfWork(engine.database) as uow:
        return list((await uow.session.exec(select(PracticeLabelRow))).all())


async def asha_action(engine: Engine) -> int:
    async with UnitOfWork(engine.database) as uow:
        found = (
            await uow.session.exec(
                select(ActionRow.id)
                .where(ActionRow.person_id == "asha")
                .order_by(col(ActionRow.id))
            )
        ).all()
    return int(found[-1] or 0)


async def test_the_first_deed_starts_the_first_practice_without_asking(engine: Engine) -> None:
    chat = Chat(engine, "asha")
    reply = await log_deed(chat, "Carried her shopping to the car because her back was bad")
    assert "Saved" in reply and ANOTHER not in reply and NEW not in reply
    action = await asha_action(engine)
    async with UnitOfWork(engine.database) as uow:
        [practice] = (await uow.session.exec(select(PracticeRow))).all()
        assert await practice_of(uow, action) == practice.id
    assert practice.title == "Carried her shopping to the car"  # its first clause, not cut
    assert await labels(engine) == []  # nobody chose: nothing learnt


async def test_likely_practices_are_buttons_named_by_short_titles_and_the_pick_counts(
    engine: Engine,
) -> None:
    ids = await three_practices(engine)
    chat = Chat(engine, "asha")
    reply = await log_deed(chat, "carried her heavy shopping bags out to the car")
    assert "Is this the same as one of these?" in reply
    labels_shown = [b.label for b in chat.last[-1].buttons]  # type: ignore[union-attr]
    assert labels_shown[0] == CARRY and labels_shown[-2:] == [ANOTHER, NEW]
    assert not any("×" in label or "…" in label[:-1] for label in labels_shown)
    assert f"noted as the same kind of extra mile: “{CARRY}”" in await chat.click(CARRY)
    action = await asha_action(engine)
    async with UnitOfWork(engine.database) as uow:
        assert await practice_of(uow, action) == ids[CARRY]
    [label] = await labels(engine)
    assert (label.action_id, label.practice_id, label.same, label.via) == (
        action,
        ids[CARRY],
        True,
        "button",
    )
    assert label.top_score > 0.2 and label.picked_score == label.top_score


async def test_no_silent_new_practice_when_practices_exist(engine: Engine) -> None:
    await three_practices(engine)
    chat = Chat(engine, "asha")
    reply = await log_deed(chat, "Gift wrapped a present for free for his granddaughter")
    # Nothing looks like it: no practice buttons, but the choice is still the person's.
    assert [b.label for b in chat.last[-1].buttons] == [ANOTHER, NEW]  # type: ignore[union-attr]
    assert "Saved" in reply
    action = await asha_action(engine)
    async with UnitOfWork(engine.database) as uow:
        assert len((await uow.session.exec(select(PracticeRow))).all()) == 3
        assert await practice_of(uow, action) is None


async def test_another_practice_lists_them_all_most_alike_first_and_the_pick_counts(
    engine: Engine,
) -> None:
    ids = await three_practices(engine)
    chat = Chat(engine, "asha")
    await log_deed(chat, "Phoned for a taxi for an old gentleman and waited with him")
    await chat.click(ANOTHER)
    form = chat.form
    [field] = form.fields
    assert field.kind is FieldKind.CHOICE
    options = [o.label for o in field.options]
    assert options[0] == "Called a taxi for an elderly customer"
    assert set(options[:3]) == set(ids) and options[3] == "None of these: it's something new"
    reply = await chat.submit(practice=str(ids["Lent an umbrella in the rain"]))
    assert "noted as the same kind" in reply
    action = await asha_action(engine)
    async with UnitOfWork(engine.database) as uow:
        assert await practice_of(uow, action) == ids["Lent an umbrella in the rain"]
    [label] = await labels(engine)
    assert (label.same, label.via) == (True, "select")
    assert label.picked_score is not None and label.picked_score < label.top_score


async def test_its_something_new_starts_a_practice_and_is_a_negative_label(
    engine: Engine,
) -> None:
    await three_practices(engine)
    chat = Chat(engine, "asha")
    await log_deed(chat, "Gift wrapped a present for free - his granddaughter's birthday")
    assert "noted as a new kind of extra mile: “Gift wrapped a present for free”" in (
        await chat.click(NEW)
    )
    action = await asha_action(engine)
    async with UnitOfWork(engine.database) as uow:
        practice = await practice_of(uow, action)
        row = await uow.session.get(PracticeRow, practice)
    assert row is not None and row.title == "Gift wrapped a present for free"
    [label] = await labels(engine)
    assert (label.practice_id, label.same, label.via, label.picked_score) == (
        practice,
        False,
        "new",
        None,
    )


async def test_something_new_from_the_select(engine: Engine) -> None:
    await three_practices(engine)
    chat = Chat(engine, "asha")
    await log_deed(chat, "Gift wrapped a present for free")
    await chat.click(ANOTHER)
    assert "noted as a new kind" in await chat.submit(practice="new")
    [label] = await labels(engine)
    assert (label.same, label.via) == (False, "new")


async def test_refused_clicks_change_nothing(engine: Engine) -> None:
    ids = await three_practices(engine)
    asha = Chat(engine, "asha")
    await log_deed(asha, "carried her heavy shopping bags out to the car")
    card = asha.last
    action = await asha_action(engine)
    before = await snapshot(engine)
    # Someone else's action: every way in is refused.
    tom = Chat(engine, "tom")
    for label in (CARRY, NEW, ANOTHER):
        tom.last = card
        await tom.click(label)
        assert [type(r) for r in tom.last] == [Refusal], (label, tom.last)
    tom_form = FormSubmission(
        Sender("console", "tom"), f"practice-choose:{action}", {"practice": str(ids[CARRY])}, "k1"
    )
    assert [type(r) for r in await engine.handle(tom_form)] == [Refusal]
    # Forged values: no such practice, no such action, nonsense.
    me = Sender("console", "asha")
    for n, (action_id, value) in enumerate(
        [
            ("practice.pick", f"{action}:999"),
            ("practice.pick", f"999:{ids[CARRY]}"),
            ("practice.pick", "nonsense"),
            ("practice.new", "999"),
            ("practice.new", ""),
            ("form.open", "practice-choose:999"),
            ("form.open", "practice-choose:x"),
        ]
    ):
        replies = await engine.handle(ButtonClick(me, action_id, value, f"forged-{n}"))
        assert [type(r) for r in replies] == [Refusal], (action_id, value, replies)
    for n, value in enumerate(("999", "", "x", str(2**40))):
        forged = FormSubmission(me, f"practice-choose:{action}", {"practice": value}, f"f-{n}")
        assert [type(r) for r in await engine.handle(forged)] == [Refusal], value
    assert await snapshot(engine) == before
    # Asha picks; a repeat click, "new" after it, or the select after it change nothing.
    await asha.click(CARRY)
    after = await snapshot(engine)
    for label in (CARRY, NEW, ANOTHER):
        asha.last = card
        await asha.click(label)
        assert [type(r) for r in asha.last] == [Refusal], label
    again = FormSubmission(me, f"practice-choose:{action}", {"practice": "new"}, "k-again")
    assert [type(r) for r in await engine.handle(again)] == [Refusal]
    assert await snapshot(engine) == after


async def test_the_threshold_for_buttons_is_learnt_from_the_answers(engine: Engine) -> None:
    await three_practices(engine)
    # Many "It's something new" answers at high scores: buttons now need a higher score.
    async with UnitOfWork(engine.database) as uow:
        practice = await create_practice(uow, "Seeded", "tom", NOW)
        for n in range(30):
            action = await add_action(uow, "tom", deed(date(2026, 11, 2), f"deed {n}"))
            await add_label(
                uow,
                action.id,
                practice,
                same=n % 3 == 0,
                via="button" if n % 3 == 0 else "new",
                top_score=2.0 if n % 3 == 0 else 1.0,  # above any score the ranking gives
                picked_score=None,
                method=method_in_use(),
                now=NOW,
            )
        await uow.commit()
    chat = Chat(engine, "asha")
    await log_deed(chat, "carried her shopping bags to the car")
    assert [b.label for b in chat.last[-1].buttons] == [ANOTHER, NEW]  # type: ignore[union-attr]


def test_fit_threshold_separates_the_answers() -> None:
    default = 0.2
    assert fit_threshold([(0.9, True), (0.1, False)], default) == default  # too few to learn
    learnt = fit_threshold([(0.5, False)] * 10 + [(0.8, True)] * 10, default)
    assert 0.5 < learnt <= 0.8
    learnt = fit_threshold([(0.15, True)] * 10 + [(0.05, False)] * 10, default)
    assert 0.05 < learnt <= 0.15


@pytest.mark.parametrize(
    ("texts", "title"),
    [
        (
            [
                "Carried her shopping to the car because her back was bad",
                "carried heavy bags out to the car park for an elderly lady",
                "Helped carry shopping to car",
                "took the trolley to her car and loaded the boot",
            ],
            "Carried her shopping to the car",
        ),
        (
            [
                "rang 3 other branches to find the last size 8 trainers and had them "
                "couriered over the same day",
            ],
            "Rang 3 other branches to find the last size 8 trainers",
        ),
    ],
)
def test_a_title_is_the_wording_most_used_short_and_uncut(texts: list[str], title: str) -> None:
    assert title_for(texts) == title
    assert all(len(phrase(t)) <= MAX_TITLE and "…" not in phrase(t) for t in texts)


async def test_an_old_button_for_a_merged_practice_joins_where_its_deeds_went(
    engine: Engine,
) -> None:
    """A merged practice is kept, pointing at the one it joined: its number is never
    given to a newer practice (SQLite reuses a deleted row's number), and a button shown
    before the merge files the deed with the deeds it stood for."""
    ids = await three_practices(engine)
    asha = Chat(engine, "asha")
    await log_deed(asha, "Phoned for a taxi for an old gentleman and waited with him")
    card = asha.last
    taxi = ids["Called a taxi for an elderly customer"]
    assert asha.button("Called a taxi for an elderly customer").value.endswith(f":{taxi}")
    maria = Chat(engine, "maria")
    await maria.say("merge practices")
    await maria.submit(practice=str(taxi), into=str(ids[CARRY]))
    tom = Chat(engine, "tom")
    await log_deed(tom, "Gift wrapped a present for free")
    await tom.click(NEW)
    async with UnitOfWork(engine.database) as uow:
        newest = (await uow.session.exec(select(PracticeRow).order_by(col(PracticeRow.id)))).all()
    assert newest[-1].id != taxi and newest[-1].title == "Gift wrapped a present for free"
    asha.last = card
    assert "noted as the same kind" in await asha.click("Called a taxi for an elderly customer")
    action = await asha_action(engine)
    async with UnitOfWork(engine.database) as uow:
        assert await practice_of(uow, action) == ids[CARRY]
    assert "Called a taxi" not in await maria.say("practices")  # merged: listed no more
