"""Issue 19b on Slack, through real bolt over HTTP and the fake Slack: the witness request
and its answer, a knowledge question and its answer, an assessor's mark and evidence
request. Every message and modal is checked by slack_sdk's Block Kit models."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from adapters.state import RUNTIME
from app.jobs import run_job
from tests.adapters.slack.test_slack_approvals import _posts_to, _wait_for_post
from tests.fakes.settle import server_settled
from tests.fakes.slack_harness import SlackDriver, all_text

LEILA, SAM, TOM, RUTH, ASHA = "U0LEILA1", "U0SAM001", "U0TOM001", "U0RUTH01", "U0ASHA01"
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


def _valid(blocks: list[dict[str, Any]]) -> None:
    parsed = Block.parse_all(blocks)
    assert len(parsed) == len(blocks) <= 50
    for block in parsed:
        block.to_dict()  # validates on the way out
    ids = [e["action_id"] for b in blocks for e in b.get("elements", []) if "action_id" in e]
    assert len(ids) == len(set(ids))


def _valid_view(view: dict[str, Any]) -> None:
    View(**view).validate_json()
    _valid(view["blocks"])


def _buttons(blocks: list[dict[str, Any]]) -> list[str]:
    return [
        e["text"]["text"]
        for b in blocks
        for e in b.get("elements", [])
        if e.get("type") == "button"
    ]


async def _updated(slack: SlackDriver, post: dict[str, Any], text: str) -> dict[str, Any]:
    def found() -> list[dict[str, Any]]:
        return [
            u.params
            for u in slack.fake.of("chat.update")
            if u.params["ts"] == post["ts"] and text in all_text(u.params["blocks"])
        ]

    await slack.fake.wait_until(lambda: bool(found()))
    return found()[-1]


async def _modal(slack: SlackDriver, user: str, post: dict[str, Any], label: str) -> dict[str, Any]:
    before = len(slack.fake.of("views.open"))
    await slack.click(user, post, label)
    view: dict[str, Any] = (await slack.fake.wait_for("views.open", before + 1))[-1].params["view"]
    _valid_view(view)
    return view


async def test_the_witness_request_and_its_answer(slack: SlackDriver) -> None:
    await slack.command(LEILA, "log")
    [opened] = await slack.fake.wait_for("views.open")
    response = await slack.submit_view(LEILA, opened.params["view"], DEED)
    assert await response.text() == ""
    note = await _wait_for_post(slack, "D0LEILA1", "I've asked Sam Okafor to confirm this")
    _valid(note["blocks"])
    assert "Someone else saw it" in _buttons(note["blocks"])
    card = await _wait_for_post(slack, "D0SAM001", "Did you see what Leila did")
    _valid(card["blocks"])
    assert _buttons(card["blocks"]) == ["I saw it", "I can confirm it", "I can't say"]
    assert not CODES.search(all_text(card["blocks"]))
    # Tom was not asked: told privately, the card unchanged.
    await slack.click(TOM, card, "I saw it", channel="D0SAM001")
    await slack.fake.wait_until(
        lambda: any(c.params["user"] == TOM for c in slack.fake.of("chat.postEphemeral"))
    )
    assert not [u for u in slack.fake.of("chat.update") if u.params["ts"] == card["ts"]]
    # Sam's one tap: the card changes in place.
    await slack.click(SAM, card, "I saw it", channel="D0SAM001")
    answered = await _updated(slack, card, "Your answer")
    _valid(answered["blocks"])
    assert "I saw it (" in all_text(answered["blocks"])
    assert _buttons(answered["blocks"]) == ["Add a sentence (optional)"]
    told = await _wait_for_post(slack, "D0LEILA1", "Sam Okafor saw it")
    assert "witness statement" in all_text(told["blocks"])
    # The optional sentence, in a modal; the card shows it, with no buttons left.
    view = await _modal(
        slack, SAM, {**card, "blocks": answered["blocks"]}, "Add a sentence (optional)"
    )
    response = await slack.submit_view(SAM, view, {"words": "I watched her phone the depot"})
    assert await response.text() == ""
    words = await _updated(slack, card, "I watched her phone the depot")
    _valid(words["blocks"])
    assert _buttons(words["blocks"]) == []


async def test_a_knowledge_question_and_its_answer(slack: SlackDriver) -> None:
    runtime = slack.client.server.app[RUNTIME]
    report = await run_job(
        "knowledge-question",
        org=runtime.org,
        database=runtime.database,
        at=datetime.fromisoformat("2026-11-25T11:01:00+00:00"),
    )
    assert report.startswith("sent 1")
    card = await _wait_for_post(slack, "D0LEILA1", "a question for your portfolio")
    _valid(card["blocks"])
    assert "What does our routine service offer give every customer?" in all_text(card["blocks"])
    assert not CODES.search(all_text(card["blocks"]))
    view = await _modal(slack, LEILA, card, "Answer")
    assert not CODES.search(all_text(view["blocks"]) + view["title"]["text"])
    response = await slack.submit_view(LEILA, view, {"answer": "Refunds, click and collect"})
    assert await response.text() == ""
    done = await _updated(slack, card, "Answered")
    _valid(done["blocks"])
    assert "Refunds, click and collect" in all_text(done["blocks"]) and not _buttons(done["blocks"])
    # Nobody else was asked.
    await server_settled(slack.client.server.app)
    for channel in ("D0ASHA01", "D0SAM001", "D0TOM001", "D0RUTH01"):
        assert not [p for p in _posts_to(slack, channel) if "question" in all_text(p["blocks"])]


async def test_a_non_learner_gets_no_knowledge_question(slack: SlackDriver) -> None:
    await slack.dm(ASHA, "knowledge")
    said = await _wait_for_post(slack, "D0ASHA01", "for people working towards")
    assert "Answer" not in _buttons(said["blocks"])


async def test_the_assessors_mark_and_evidence_request(slack: SlackDriver) -> None:
    await slack.dm(RUTH, "mark leila P2 needs more Tell me what the customer expected")
    await _wait_for_post(slack, "D0RUTH01", "Marked P2 for Leila Haddad: needs more")
    told = await _wait_for_post(slack, "D0LEILA1", "Ruth Ellis, your assessor, marked")
    text = all_text(told["blocks"])
    assert "as needing more evidence" in text and not CODES.search(text)
    await slack.dm(RUTH, "request leila An example of a rule that stopped you doing more")
    await _wait_for_post(slack, "D0RUTH01", "Asked Leila Haddad for it")
    card = await _wait_for_post(slack, "D0LEILA1", "asks for a piece of evidence")
    _valid(card["blocks"])
    # Only Leila may answer it.
    await slack.click(ASHA, card, "Answer", channel="D0LEILA1")
    await slack.fake.wait_until(
        lambda: any(c.params["user"] == ASHA for c in slack.fake.of("chat.postEphemeral"))
    )
    view = await _modal(slack, LEILA, card, "Answer")
    response = await slack.submit_view(LEILA, view, {"answer": "No wine before 10am"})
    assert await response.text() == ""
    done = await _updated(slack, card, "No wine before 10am")
    _valid(done["blocks"])
    word = await _wait_for_post(slack, "D0RUTH01", "Leila Haddad answered your request")
    assert "No wine before 10am" in all_text(word["blocks"])


async def test_a_non_learners_deed_asks_no_witness(slack: SlackDriver) -> None:
    await slack.command(ASHA, "log")
    [opened] = await slack.fake.wait_for("views.open")
    plain = {k: DEED[k] for k in ("extra", "customer_need", "result", "occurred_on")}
    response = await slack.submit_view(ASHA, opened.params["view"], plain)
    assert await response.text() == ""
    saved = await _wait_for_post(slack, "D0ASHA01", "Saved: your 1st extra-mile action")
    await server_settled(slack.client.server.app)
    assert "Someone else saw it" not in _buttons(saved["blocks"])
    assert not [p for p in _posts_to(slack, "D0SAM001") if "Did you see" in all_text(p["blocks"])]
    assert not [p for p in _posts_to(slack, "D0ASHA01") if "confirm" in all_text(p["blocks"])]
