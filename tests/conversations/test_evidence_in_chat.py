"""Issue 19b through the engine: witness statements, knowledge questions and the assessor.

Leila is a learner (examples/org.yml: learner: true, assessor: ruth); Sam supervises her;
Asha is not a learner. What people read is checked for plain words (no criteria codes)."""

from __future__ import annotations

import re
from datetime import datetime

from sqlmodel import col, select

from app.jobs import run_job
from bot.delivery.codec import load_outbound
from bot.domain.assessment import ExchangeKind, MarkStatus, WitnessAnswer, WitnessRelation
from bot.domain.statements import StatementKind
from bot.engine import Engine
from bot.messages import ButtonClick, Card, CardUpdate, Outbound, Refusal, Sender, Text
from storage.assessment import current_marks, requests_of
from storage.evidence import statements_of
from storage.exchanges import approval_exchanges
from storage.tables import AuditLogRow, OutboxRow
from storage.uow import UnitOfWork
from storage.witness import witness_statements_of
from tests.fakes.chat import Chat, text_of
from tests.fakes.deeds import DEED, propose_idea

LEARNER_DETAILS = {
    "context": "quiet",
    "approach": "initiative",
    "customer_aware": "yes",
    "offer_item": "carry-out",
}
CODES = re.compile(r"\b(P1[0-4]|P[1-9]|K[1-9]|[1-4]\.[1-7])\b")


async def outbox(engine: Engine, person: str) -> list[Outbound]:
    async with UnitOfWork(engine.database) as uow:
        rows = (
            await uow.session.exec(
                select(OutboxRow).where(OutboxRow.person_id == person).order_by(col(OutboxRow.id))
            )
        ).all()
    return [load_outbound(r.payload) for r in rows]


async def cards_to(engine: Engine, person: str, title: str) -> list[Card]:
    return [m for m in await outbox(engine, person) if isinstance(m, Card) and title in m.title]


async def learner_logs(engine: Engine, person: str = "leila") -> Chat:
    chat = Chat(engine, person)
    await chat.say("log")
    await chat.submit(**DEED, **LEARNER_DETAILS)
    return chat


def click(card: Card, label: str, who: str, key: str) -> ButtonClick:
    button = next(b for b in card.all_buttons if b.label == label)
    return ButtonClick(Sender("console", who), button.action_id, button.value, key)


async def read(engine: Engine, fn, *args):  # type: ignore[no-untyped-def]
    async with UnitOfWork(engine.database) as uow:
        return await fn(uow, *args)


# --- witness statements ------------------------------------------------------------------


async def test_a_learners_deed_asks_her_supervisor_who_answers_with_one_tap(
    engine: Engine,
) -> None:
    chat = await learner_logs(engine)
    note = text_of(chat.last)
    assert "I've asked Sam Okafor to confirm this for your portfolio" in note
    [card] = await cards_to(engine, "sam", "Did you see what Leila did")
    assert [b.label for b in card.buttons] == ["I saw it", "I can confirm it", "I can't say"]
    assert DEED["extra"] in text_of([card]) and not CODES.search(text_of([card]))
    # Someone else may not answer; nothing changes.
    refused = await engine.handle(click(card, "I saw it", "tom", "w-1"))
    assert refused == [Refusal("Only the person asked can answer this.")]
    [statement] = await read(engine, witness_statements_of, "leila")
    assert statement.answer is None and statement.relation is WitnessRelation.SUPERVISOR
    # Sam's one tap: his card changes in place, with an optional sentence to add.
    sam = Chat(engine, "sam")
    replies = await sam.send(click(card, "I saw it", "sam", "w-2"))
    [update] = [r for r in replies if isinstance(r, CardUpdate)]
    assert update.card_key == card.card_key
    assert "Your answer: I saw it" in text_of([update])
    assert [b.label for b in update.card.buttons] == ["Add a sentence (optional)"]
    # A repeat, or another answer, changes nothing.
    again = await engine.handle(click(card, "I can't say", "sam", "w-3"))
    assert again == [Refusal("You've answered this already; nothing changed.")]
    await sam.click("Add a sentence (optional)")
    shown = await sam.submit(words="She rang the depot; call me on 07700 900123")
    assert "Your words: She rang the depot; call me on [phone]" in shown
    [statement] = await read(engine, witness_statements_of, "leila")
    assert statement.answer is WitnessAnswer.SAW and statement.is_evidence
    assert statement.words == "She rang the depot; call me on [phone]"  # redacted
    assert statement.answered_at is not None and statement.witness_role == "supervisor"
    told = [m for m in await outbox(engine, "leila") if isinstance(m, Text)]
    assert any("Sam Okafor saw it: your extra-mile action" in t.text for t in told)
    # The sentence once only.
    again = await sam.send(click(update.card, "Add a sentence (optional)", "sam", "w-4"))
    assert again == [Refusal("You've answered this already; nothing changed.")]


async def test_a_learner_names_a_colleague_who_saw_it(engine: Engine) -> None:
    chat = await learner_logs(engine)
    picker = await chat.click("Someone else saw it")
    assert "Who saw it?" in picker and "Asha Patel" in picker and "Leila" not in picker
    assert "Sam Okafor" not in picker  # asked already
    assert "Asked Asha Patel" in await chat.click("Asha Patel")
    [card] = await cards_to(engine, "asha", "Did you see what Leila did")
    assert "Leila says you saw it" in card.text
    asha = Chat(engine, "asha")
    await asha.send(click(card, "I can confirm it", "asha", "c-1"))
    statements = await read(engine, witness_statements_of, "leila")
    assert [(s.witness_id, s.relation, s.answer) for s in statements] == [
        ("sam", WitnessRelation.SUPERVISOR, None),
        ("asha", WitnessRelation.COLLEAGUE, WitnessAnswer.CONFIRM),
    ]
    # Asking her again changes nothing; nor may Tom ask about Leila's action.
    refused = await chat.send(
        ButtonClick(chat.sender, "witness.ask", f"{statements[0].action_id}:asha", "c-2")
    )
    assert refused == [Refusal("You've asked Asha Patel already; nothing changed.")]
    stranger = await engine.handle(
        ButtonClick(Sender("console", "tom"), "witness.others", str(statements[0].action_id), "c-3")
    )
    assert stranger == [Refusal("You can only ask about your own actions.")]


async def test_a_non_learner_is_never_asked_for_a_witness(engine: Engine) -> None:
    chat = Chat(engine, "asha")
    await chat.say("log")
    reply = await chat.submit(**DEED)
    assert "Someone else saw it" not in reply and "confirm" not in reply
    assert await cards_to(engine, "sam", "Did you see") == []
    assert await read(engine, witness_statements_of, "asha") == []


# --- P9: the approval's exchange -----------------------------------------------------------


async def test_the_ask_for_more_info_exchange_and_decision_are_dated_p9_evidence(
    engine: Engine,
) -> None:
    from tests.conversations.test_approvals import request_click, sams_card

    await propose_idea(Chat(engine, "leila"))
    card = await sams_card(engine)
    sam = Chat(engine, "sam")
    await sam.send(request_click(card, "Ask for more info", "sam", "p9-1"))
    await sam.submit(question="Which cake?")
    leila = Chat(engine, "leila")
    leila.last = [m for m in await outbox(engine, "leila") if isinstance(m, Card)][-1:]
    await leila.click("Answer")
    await leila.submit(answer="The chocolate one")
    await sam.send(request_click(await sams_card(engine), "Approve with a comment", "sam", "p9-2"))
    await sam.submit(comment="Good thinking")
    exchanges = await read(engine, approval_exchanges, "leila")
    [steps] = exchanges.values()
    assert [(s.kind, s.by, s.words) for s in steps] == [
        (ExchangeKind.QUESTION, "sam", "Which cake?"),
        (ExchangeKind.ANSWER, "leila", "The chocolate one"),
        (ExchangeKind.DECISION, "sam", "Good thinking"),
    ]
    assert all(s.at is not None for s in steps) and steps[-1].outcome == "approved"


# --- knowledge questions ------------------------------------------------------------------


async def test_the_weekly_knowledge_question_and_its_answer(engine: Engine) -> None:
    report = await run_job(
        "knowledge-question",
        org=engine.org,
        database=engine.database,
        at=datetime.fromisoformat("2026-11-25T11:01:00+00:00"),  # Wed 11:00 in London
    )
    assert report.startswith("sent 1")  # Leila alone: nobody else is a learner
    [card] = await cards_to(engine, "leila", "a question for your portfolio")
    assert "What does our routine service offer give every customer?" in card.text
    assert not CODES.search(text_of([card]))
    for person in ("asha", "tom", "sam", "ruth"):
        assert await cards_to(engine, person, "question") == []
    leila = Chat(engine, "leila")
    leila.last = [card]
    await leila.click("Answer")
    assert not CODES.search(leila.form.intro + leila.form.title)
    done = await leila.submit(answer="Refunds in 30 days, click and collect, help to the car")
    assert "Thank you: that's in your portfolio" in done
    [update] = [r for r in leila.last if isinstance(r, CardUpdate)]
    assert update.card_key == card.card_key and not update.card.buttons
    [statement] = await read(engine, statements_of, "leila")
    assert (statement.kind, statement.criterion) == (StatementKind.KNOWLEDGE, "K1")
    assert statement.question == "What does our routine service offer give every customer?"
    # The next question is another one; skipping moves on again.
    nxt = await leila.say("knowledge")
    assert "How do customers find out what to expect from us?" in nxt
    await leila.click("Skip this one")
    assert "What kinds of extra help" in await leila.say("knowledge")
    listed = await leila.say("knowledge list")
    assert "(1 of 16 answered)" in listed and not CODES.search(listed)


async def test_an_empty_answer_skips(engine: Engine) -> None:
    leila = Chat(engine, "leila")
    await leila.say("knowledge")
    await leila.click("Answer")
    await leila.submit(answer="")
    assert "Skipped for now" in text_of(leila.last)
    assert await read(engine, statements_of, "leila") == []
    assert "How do customers find out" in await leila.say("knowledge")


async def test_a_non_learner_is_never_asked_a_knowledge_question(engine: Engine) -> None:
    assert "for people working towards" in await Chat(engine, "asha").say("knowledge")
    refused = await engine.handle(
        ButtonClick(Sender("console", "asha"), "knowledge.skip", "K1", "k-1")
    )
    assert refused == [
        Refusal(
            "Knowledge questions are for people working towards the customer service "
            "qualification. Try `log` to record something you did."
        )
    ]


# --- the assessor ----------------------------------------------------------------------------


async def test_the_assessor_marks_a_criterion_and_the_learner_is_told_in_plain_words(
    engine: Engine,
) -> None:
    ruth = Chat(engine, "ruth")
    said = await ruth.say("mark leila P2 needs more Tell me what the customer expected")
    assert "Marked P2 for Leila Haddad: needs more" in said
    [told] = [m for m in await outbox(engine, "leila") if isinstance(m, Text)]
    assert "Ruth Ellis, your assessor, marked your evidence for" in told.text
    assert "“Identify your customer's expectations and needs” as needing more evidence" in told.text
    assert "Tell me what the customer expected" in told.text and not CODES.search(told.text)
    await ruth.say("mark leila P2 met Clear now")
    marks = await read(engine, current_marks, "leila")
    assert (marks["P2"].status, marks["P2"].comment) == (MarkStatus.MET, "Clear now")
    async with UnitOfWork(engine.database) as uow:
        audited = (
            await uow.session.exec(
                select(AuditLogRow).where(AuditLogRow.action == "assessor.marked")
            )
        ).all()
    assert [(a.actor_id, a.subject_id) for a in audited] == [("ruth", "leila"), ("ruth", "leila")]


async def test_only_the_learners_assessor_may_mark(engine: Engine) -> None:
    assert "isn't one of your learners" in await Chat(engine, "ruth").say("mark asha P1 met")
    # Sam is no assessor: his words are a sentence, as they were before.
    assert await Chat(engine, "sam").say("mark leila P1 met") != ""
    assert await read(engine, current_marks, "leila") == {}


async def test_the_assessor_requests_evidence_and_the_learner_answers_it(
    engine: Engine,
) -> None:
    ruth = Chat(engine, "ruth")
    said = await ruth.say("request leila K5 An example of a rule that stopped you doing more")
    assert "Asked Leila Haddad for it" in said
    [card] = await cards_to(engine, "leila", "your assessor, asks for a piece of evidence")
    assert "An example of a rule that stopped you" in card.text
    leila = Chat(engine, "leila")
    leila.last = [card]
    await leila.click("Answer")
    assert "Sent. It's in your portfolio" in await leila.submit(
        answer="I couldn't sell her wine before 10am"
    )
    [statement] = await read(engine, statements_of, "leila")
    assert (statement.kind, statement.criterion) == (StatementKind.KNOWLEDGE, "K5")
    [asked] = await read(engine, requests_of, "leila")
    assert asked.statement_id == statement.id and asked.answered_at is not None
    [word] = [m for m in await outbox(engine, "ruth") if isinstance(m, Text)]
    assert "Leila Haddad answered your request" in word.text
    # Answered once: the button again changes nothing; Asha may not answer it.
    again = await leila.send(
        ButtonClick(leila.sender, "form.open", f"evidence-answer:{asked.id}", "r-1")
    )
    assert again == [Refusal("You've answered that request already; nothing changed.")]
    other = await engine.handle(
        ButtonClick(Sender("console", "asha"), "form.open", f"evidence-answer:{asked.id}", "r-2")
    )
    assert other == [Refusal("That request isn't yours to answer.")]


async def test_the_assessor_reads_the_learners_portfolio_only(engine: Engine) -> None:
    ruth = Chat(engine, "ruth")
    assert "You can only export" in await ruth.say("portfolio asha")
    reply = await ruth.say("portfolio leila")
    assert "You can only export" not in reply
    assert "Leila Haddad (leila)" in await ruth.say("learners")


async def test_the_portfolio_reads_the_witness_the_exchange_and_the_mark(
    engine: Engine,
) -> None:
    from bot.context import Scene
    from bot.reports.portfolio import build_portfolio
    from tests.conftest import NOW

    await learner_logs(engine)
    [card] = await cards_to(engine, "sam", "Did you see what Leila did")
    await engine.handle(click(card, "I saw it", "sam", "pf-1"))
    await Chat(engine, "ruth").say("mark leila P10 met Seen by her supervisor")
    leila = engine.org.person("leila")
    assert leila is not None
    async with UnitOfWork(engine.database) as uow:
        scene = Scene(org=engine.org, uow=uow, now=NOW, today=NOW.date())
        portfolio = await build_portfolio(scene, leila)
    cells = {c.code: c for c in portfolio.matrix.all()}
    assert any(s.type.value == "witness testimony" for s in cells["P10"].supports)
    mark = cells["P10"].mark
    assert mark is not None and (mark.mark, mark.assessor) == ("met", "Ruth Ellis")


async def test_a_knowledge_answer_marked_needs_more_is_asked_again(engine: Engine) -> None:
    leila = Chat(engine, "leila")
    await leila.say("knowledge")
    await leila.click("Answer")
    await leila.submit(answer="Refunds")
    assert "How do customers find out" in await leila.say("knowledge")
    await Chat(engine, "ruth").say("mark leila K1 needs more Which parts of the offer?")
    assert "What does our routine service offer give" in await leila.say("knowledge")
    assert "(0 of 16 answered)" in await leila.say("knowledge list")


async def test_while_the_supervisor_is_away_the_one_standing_in_is_asked(
    engine: Engine,
) -> None:
    await Chat(engine, "sam").say("away until 2026-12-01 delegate priya")
    chat = await learner_logs(engine)
    assert "I've asked Priya Shah to confirm this" in text_of(chat.last)
    assert len(await cards_to(engine, "priya", "Did you see what Leila did")) == 1
    assert await cards_to(engine, "sam", "Did you see what Leila did") == []
