"""Managers keep the practices tidy (issue 17): rename, merge (counts summed, a
nomination's counts follow at once), split a deed out; staff cannot."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from bot.delivery.codec import load_outbound
from bot.engine import Engine
from bot.messages import ButtonClick, CardUpdate, FormSubmission, Refusal, Sender
from storage.tables import ActionRow, AuditLogRow, NominationRow, OutboxRow, PracticeRow
from storage.uow import UnitOfWork
from tests.conversations.test_nominations import ENOUGH, MONDAY, nominated, seed_practice
from tests.conversations.test_practice_choice import log_deed
from tests.fakes.chat import Chat, text_of


async def rows(engine: Engine, table: type) -> list:  # type: ignore[type-arg]
    async with UnitOfWork(engine.database) as uow:
        return list((await uow.session.exec(select(table))).all())


async def join_from_the_select(chat: Chat, practice: int) -> None:
    """After logging, "Another practice…" and the practice picked from the select."""
    await chat.click("Another practice…")
    assert "noted as the same kind" in await chat.submit(practice=str(practice))


async def card_updates(engine: Engine, person: str) -> list[CardUpdate]:
    async with UnitOfWork(engine.database) as uow:
        found = (
            await uow.session.exec(select(OutboxRow).where(OutboxRow.person_id == person))
        ).all()
    return [m for r in found for m in [load_outbound(r.payload)] if isinstance(m, CardUpdate)]


def option(chat: Chat, field: str, label_start: str) -> str:
    [found] = [f for f in chat.form.fields if f.name == field]
    return next(o.value for o in found.options if o.label.startswith(label_start))


async def test_a_merge_sums_the_counts_and_the_nomination_follows(engine: Engine) -> None:
    carry = await seed_practice(engine.database, ENOUGH)  # 3 successes, 2 people, 2 weeks
    [nomination] = await nominated(engine)
    assert (nomination.successes, nomination.people) == (3, 2)
    later = MONDAY + timedelta(days=14)
    bags = await seed_practice(
        engine.database, [("ben", later), ("ben", later)], title="Took bags out to the car park"
    )
    maria = Chat(engine, "maria")
    reply = await maria.say("practices")
    assert (
        "Our practices (2)" in reply
        and "Carry heavy shopping to the customer's car: 3 deeds" in reply
    )
    await maria.click("Merge two")
    reply = await maria.submit(
        practice=option(maria, "practice", "Took bags"), into=option(maria, "into", "Carry heavy")
    )
    assert "“Took bags out to the car park” is now part of “Carry heavy shopping" in reply
    assert "Its nomination now counts 5 successes, for 3 people, over 3 weeks" in reply
    [row] = await rows(engine, NominationRow)
    assert (row.practice_id, row.successes, row.people, row.weeks) == (carry, 5, 3, 3)
    practices = {p.id: p.merged_into for p in await rows(engine, PracticeRow)}
    assert practices == {carry: None, bags: carry}  # kept, pointing where its deeds went
    assert {a.practice_id for a in await rows(engine, ActionRow)} == {carry}
    assert bags not in {a.practice_id for a in await rows(engine, ActionRow)}
    assert "practice.merged" in [a.action for a in await rows(engine, AuditLogRow)]
    # The managers' posted card is updated in place, and `nominations` says the same.
    updates = await card_updates(engine, "maria")
    assert "5 times, for 3 people, over 3 weeks" in text_of([updates[-1].card])
    assert updates[-1].card.buttons  # still open: Adopt and Dismiss
    assert "5 times, for 3 people, over 3 weeks" in await maria.say("nominations")


async def test_merging_two_nominated_practices_keeps_one_nomination(engine: Engine) -> None:
    carry = await seed_practice(engine.database, ENOUGH)
    await seed_practice(engine.database, ENOUGH, title="Took bags out to the car park")
    first, second = await nominated(engine)
    maria = Chat(engine, "maria")
    await maria.say("merge practices")
    reply = await maria.submit(
        practice=option(maria, "practice", "Took bags"), into=option(maria, "into", "Carry heavy")
    )
    assert "Its nomination now counts 6 successes" in reply
    [kept] = await rows(engine, NominationRow)
    assert (kept.id, kept.practice_id, kept.successes) == (first.id, carry, 6)
    retired = [
        u for u in await card_updates(engine, "maria") if u.card_key == f"nomination:{second.id}"
    ]
    assert "Merged into “Carry heavy shopping" in retired[-1].card.text
    assert not retired[-1].card.buttons
    # Adopt on the old card of the dropped nomination changes nothing.
    adopt = ButtonClick(maria.sender, "nomination.adopt", str(second.id), "k-old-card")
    assert "can't find that nomination" in text_of(await engine.handle(adopt))


async def test_merged_deeds_reach_the_rule_together(engine: Engine) -> None:
    await seed_practice(engine.database, ENOUGH[:2])  # 2 successes: one short
    await seed_practice(engine.database, ENOUGH[2:], title="Carried bags to the car")
    assert await nominated(engine) == []
    maria = Chat(engine, "maria")
    await maria.say("merge practices")
    await maria.submit(
        practice=option(maria, "practice", "Carried bags"), into=option(maria, "into", "Carry")
    )
    [row] = await nominated(engine)
    assert (row.status, row.successes, row.people, row.weeks) == ("open", 3, 2, 2)


async def test_rename_keeps_the_managers_words_when_deeds_join(engine: Engine) -> None:
    practice = await seed_practice(engine.database, [("tom", MONDAY)])
    maria = Chat(engine, "maria")
    await maria.say("rename practice")
    reply = await maria.submit(practice=str(practice), title="Help to the car with heavy shopping")
    assert "Renamed" in reply
    asha = Chat(engine, "asha")
    await log_deed(asha, "carried her heavy shopping bags out to the car")
    await join_from_the_select(asha, practice)
    [row] = await rows(engine, PracticeRow)
    assert row.title == "Help to the car with heavy shopping" and row.title_locked


async def test_a_title_follows_the_wording_most_used_until_renamed(engine: Engine) -> None:
    practice = await seed_practice(
        engine.database, [("tom", MONDAY)], title="tom's own words, long ones"
    )
    for person in ("asha", "ben"):
        chat = Chat(engine, person)
        await log_deed(chat, "Carried the shopping to the car for her")
        await join_from_the_select(chat, practice)
    [row] = await rows(engine, PracticeRow)
    assert row.title == "Carried the shopping to the car"


async def test_split_a_deed_out_into_a_practice_of_its_own(engine: Engine) -> None:
    practice = await seed_practice(engine.database, ENOUGH)
    maria = Chat(engine, "maria")
    await maria.say("split practice")
    [field] = maria.form.fields
    assert field.options[0].label.startswith("Asha Patel, 23 Nov: Carried the shopping")
    reply = await maria.submit(action=field.options[0].value)
    assert "is a practice of its own now" in reply
    placed = sorted(a.practice_id for a in await rows(engine, ActionRow))
    assert placed[:2] == [practice, practice] and placed[2] != practice
    # A practice's only deed cannot be split out: the form no longer offers it.
    await maria.say("split practice")
    assert field.options[0].value not in {o.value for o in maria.form.fields[0].options}


async def test_staff_cannot_edit_practices(engine: Engine) -> None:
    practice = await seed_practice(engine.database, ENOUGH)
    other = await seed_practice(engine.database, [("tom", MONDAY)], title="Other")
    asha = Chat(engine, "asha")
    reply = await asha.say("practices")
    assert "Our practices (2)" in reply and not asha.last[0].buttons  # type: ignore[union-attr]
    for command in ("rename practice", "merge practices", "split practice"):
        assert "Only a manager" in await asha.say(command)
    me = Sender("console", "asha")
    for n, (form, values) in enumerate(
        [
            ("practice-rename", {"practice": str(practice), "title": "Mine"}),
            ("practice-merge", {"practice": str(other), "into": str(practice)}),
            ("practice-split", {"action": "1"}),
        ]
    ):
        replies = await engine.handle(FormSubmission(me, form, values, f"staff-{n}"))
        assert [type(r) for r in replies] == [Refusal]
    assert len(await rows(engine, PracticeRow)) == 2
    assert {p.title for p in await rows(engine, PracticeRow)} == {
        "Carry heavy shopping to the customer's car",
        "Other",
    }


async def test_the_managers_card_and_forms_render_valid_on_slack_and_teams(engine: Engine) -> None:
    from slack_sdk.models.blocks import Block

    from adapters.slack.render import card_blocks, form_view
    from adapters.teams.cards import card_json, form_json
    from bot.messages import Card, Form
    from tests.fakes.teams_harness import assert_valid_card

    await seed_practice(engine.database, ENOUGH)
    await seed_practice(engine.database, [("tom", MONDAY)], title="Other")
    maria = Chat(engine, "maria")
    await maria.say("practices")
    [card] = [r for r in maria.last if isinstance(r, Card)]
    for block in Block.parse_all([b.to_dict() for b in card_blocks(card)]):
        block.to_dict()
    assert_valid_card(card_json(card))
    for command in ("rename practice", "merge practices", "split practice"):
        await maria.say(command)
        [form] = [r for r in maria.last if isinstance(r, Form)]
        form_view(form).validate_json()
        assert_valid_card(form_json(form))
