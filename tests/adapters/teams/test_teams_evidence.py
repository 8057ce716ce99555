"""Issue 19b on Teams, through the real CloudAdapter and the fake connector: the witness
request and its answer, a knowledge question and its answer, an assessor's mark and
evidence request. Every card is checked against the Adaptive Card 1.5 schema."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from adapters.state import RUNTIME
from app.jobs import run_job
from tests.adapters.teams.test_teams_approvals import LEILA, MESSAGE, _card_sent
from tests.fakes.teams_harness import (
    ASHA,
    SAM,
    TeamsDriver,
    action_titled,
    assert_valid_card,
    card_text,
)

RUTH = {
    "id": "29:1ruth-teams-id",
    "name": "Ruth Ellis",
    "aadObjectId": "7a8b9c0d-1e2f-4a3b-9c4d-5e6f7a8b9c09",
}
CODES = re.compile(r"\b(P1[0-4]|P[1-9]|K[1-9]|[1-4]\.[1-7])\b")
DEED = {
    "extra": "Rang the bus depot, who had her pass; walked her to the stop",
    "customer_need": "Lost her bus pass and was upset",
    "result": "She hugged me",
    "occurred_on": "2026-11-21",
    "context": "quiet",
    "approach": "initiative",
    "customer_aware": "yes",
    "offer_item": "carry-out",
}


def _visible(card: dict[str, Any]) -> str:
    """What a person reads on the card: its text, not the buttons' hidden data."""

    def strip(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: strip(v) for k, v in node.items() if k != "data"}
        return [strip(n) for n in node] if isinstance(node, list) else node

    return card_text(strip(card))


async def _value(response: Any) -> Any:
    body = await response.json()
    assert body["statusCode"] == 200
    return body["value"]


async def _text_sent(teams: TeamsDriver, user: dict[str, str], text: str) -> str:
    found: list[str] = []

    def sent() -> bool:
        for call in teams.connector.sent():
            if user["id"] in call.conversation_id or user["aadObjectId"] in call.conversation_id:
                body = str(call.body.get("text") or "") + " ".join(
                    card_text(c) for c in teams.connector.cards(call)
                )
                if text in body:
                    found.append(body)
                    return True
        return False

    await teams.connector.wait_until(sent)
    return found[0]


async def test_the_witness_request_and_its_answer(teams: TeamsDriver) -> None:
    await teams.say(LEILA, "log")
    await teams.connector.wait_for_sent()
    form = teams.last_card()  # the learner's form (its offer choice: a known 1.5 bug, 9a118fc)
    await _value(await teams.execute(LEILA, action_titled(form, "Save"), DEED))
    _, note = await _card_sent(teams, LEILA["id"], "I've asked Sam Okafor to confirm this")
    assert_valid_card(note)
    assert action_titled(note, "Someone else saw it")
    _, card = await _card_sent(teams, SAM["aadObjectId"], "Did you see what Leila did")
    assert_valid_card(card)
    assert [a["title"] for a in card["actions"]] == ["I saw it", "I can confirm it", "I can't say"]
    assert not CODES.search(_visible(card))
    # Asha was not asked: refused, the card left as it was.
    body = await (await teams.execute(ASHA, action_titled(card, "I saw it"))).json()
    assert body["type"] == MESSAGE and "Only the person asked" in body["value"]
    # Sam's tap answers the invoke with his card in its new state.
    answered = await _value(await teams.execute(SAM, action_titled(card, "I can confirm it")))
    assert_valid_card(answered)
    assert "I can confirm it (" in card_text(answered)
    # A second tap changes nothing.
    body = await (await teams.execute(SAM, action_titled(card, "I saw it"))).json()
    assert body["type"] == MESSAGE and "answered this already" in body["value"]
    assert "Sam Okafor can confirm it" in await _text_sent(teams, LEILA, "Sam Okafor can confirm")
    # The optional sentence: the form on the card, then the card with the words.
    words_form = await _value(
        await teams.execute(SAM, action_titled(answered, "Add a sentence (optional)"))
    )
    assert_valid_card(words_form)
    done = await _value(
        await teams.execute(SAM, action_titled(words_form, "Add"), {"words": "She told me after"})
    )
    assert_valid_card(done)
    assert "She told me after" in card_text(done) and "actions" not in done


async def test_a_knowledge_question_and_its_answer(teams: TeamsDriver) -> None:
    await teams.say(LEILA, "hi")  # the tenant is known from then on
    await teams.connector.wait_for_sent()
    runtime = teams.client.server.app[RUNTIME]
    report = await run_job(
        "knowledge-question",
        org=runtime.org,
        database=runtime.database,
        at=datetime.fromisoformat("2026-11-25T11:01:00+00:00"),
    )
    assert report.startswith("sent 1")
    _, card = await _card_sent(teams, LEILA["id"], "a question for your portfolio")
    assert_valid_card(card)
    assert not CODES.search(_visible(card))
    form = await _value(await teams.execute(LEILA, action_titled(card, "Answer")))
    assert_valid_card(form)
    assert "What does our routine service offer give every customer?" in card_text(form)
    assert not CODES.search(_visible(form))
    done = await _value(
        await teams.execute(LEILA, action_titled(form, "Send"), {"answer": "Refunds in 30 days"})
    )
    assert_valid_card(done)
    assert "Refunds in 30 days" in card_text(done) and "actions" not in done


async def test_a_non_learner_gets_no_knowledge_question(teams: TeamsDriver) -> None:
    await teams.say(ASHA, "knowledge")
    said = await _text_sent(teams, ASHA, "for people working towards")
    assert "Answer" not in said


async def test_the_assessors_mark_and_evidence_request(teams: TeamsDriver) -> None:
    await teams.say(LEILA, "hi")
    await teams.say(RUTH, "mark leila K4 met Clear on her authority")
    await _text_sent(teams, RUTH, "Marked K4 for Leila Haddad: met")
    told = await _text_sent(teams, LEILA, "Ruth Ellis, your assessor, marked")
    assert "as met" in told and not CODES.search(told)
    await teams.say(RUTH, "request leila K5 An example of a rule that stopped you")
    _, card = await _card_sent(teams, LEILA["id"], "asks for a piece of evidence")
    assert_valid_card(card)
    body = await (await teams.execute(ASHA, action_titled(card, "Answer"))).json()
    assert body["type"] == MESSAGE and "isn't yours" in body["value"]
    form = await _value(await teams.execute(LEILA, action_titled(card, "Answer")))
    assert_valid_card(form)
    done = await _value(
        await teams.execute(LEILA, action_titled(form, "Send"), {"answer": "No wine before 10am"})
    )
    assert_valid_card(done)
    assert "No wine before 10am" in card_text(done)
    await _text_sent(teams, RUTH, "Leila Haddad answered your request")


async def test_the_learner_asks_a_colleague_who_saw_it(teams: TeamsDriver) -> None:
    await teams.say(LEILA, "log")
    await teams.connector.wait_for_sent()
    await _value(await teams.execute(LEILA, action_titled(teams.last_card(), "Save"), DEED))
    _, note = await _card_sent(teams, LEILA["id"], "I've asked Sam Okafor to confirm this")
    settled = await _value(await teams.execute(LEILA, action_titled(note, "Someone else saw it")))
    assert_valid_card(settled)  # the note, its button swapped for what was chosen
    _, picker = await _card_sent(teams, LEILA["id"], "Who saw it?")
    assert_valid_card(picker)
    assert "Asha Patel" in [a["title"] for a in picker["actions"]]
    # Only Leila picks for her own action.
    body = await (await teams.execute(ASHA, action_titled(picker, "Asha Patel"))).json()
    assert body["type"] == MESSAGE and "your own actions" in body["value"]
    await teams.execute(LEILA, action_titled(picker, "Asha Patel"))
    _, card = await _card_sent(teams, (ASHA["id"], ASHA["aadObjectId"]), "Did you see what Leila")
    assert_valid_card(card)
    assert "Leila says you saw it" in card_text(card)
    body = await (await teams.execute(LEILA, action_titled(picker, "Asha Patel"))).json()
    assert body["type"] == MESSAGE and "asked Asha Patel already" in body["value"]
