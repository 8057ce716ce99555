"""Issue 19b's cards and forms, in every state, as each platform gets them: Slack's Block
Kit (slack_sdk's models validate each block and the modal) and Teams' Adaptive Card 1.5
(the schema). Long typed words are cut to fit; no card shows a criterion's code."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from adapters.slack.client import as_message
from adapters.slack.render import form_view
from adapters.teams.cards import choice_card_json, form_json
from bot.domain.assessment import (
    KNOWLEDGE_QUESTIONS,
    EvidenceRequest,
    WitnessAnswer,
    WitnessedAction,
    WitnessRelation,
    WitnessStatement,
)
from bot.domain.orgfile import load_organisation
from bot.features.knowledge.questions import answer_form, question_card, settled_card
from bot.features.witness.card import colleague_picker, learner_note, witness_card
from bot.features.witness.flow import _words_form
from bot.messages import Card, Form
from bot.settings import EXAMPLE_ORG_FILE
from tests.fakes.teams_harness import assert_valid_card

ORG = load_organisation(EXAMPLE_ORG_FILE)
AT = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)
LONG = "Rang the depot 🚌 " * 300
DEED = WitnessedAction(7, "leila", LONG, LONG, date(2026, 11, 21))
ASKED = WitnessStatement(3, 7, "leila", "sam", WitnessRelation.SUPERVISOR, "supervisor", AT)
SAW = replace(ASKED, answer=WitnessAnswer.SAW, answered_at=AT)
CODES = re.compile(r"\b(P1[0-4]|P[1-9]|K[1-9]|[1-4]\.[1-7])\b")


def _request_card(words: str | None) -> Card:
    from types import SimpleNamespace

    from bot.features.assessor.requests import request_card

    request = EvidenceRequest(5, "leila", "ruth", "K5", LONG, AT)
    return request_card(SimpleNamespace(org=ORG), request, words)  # type: ignore[arg-type]


CARDS: dict[str, Card] = {
    "witness asked": witness_card(ORG, ASKED, DEED),
    "witness answered": witness_card(ORG, SAW, DEED),
    "witness with words": witness_card(ORG, replace(SAW, words=LONG[:500]), DEED),
    "colleague asked": witness_card(ORG, replace(ASKED, relation=WitnessRelation.COLLEAGUE), DEED),
    "learner note": learner_note(7, ORG.person("sam")),
    "learner note, no supervisor": learner_note(7, None),
    "colleague picker": colleague_picker(7, ORG.people),
    **{f"question {code}": question_card("leila", code) for code in KNOWLEDGE_QUESTIONS},
    "question answered": settled_card("leila", "K1", LONG),
    "question skipped": settled_card("leila", "K1", None),
    "evidence request": _request_card(None),
    "evidence request answered": _request_card(LONG[:500]),
}
FORMS: dict[str, Form] = {
    "witness words": _words_form(3, {"words": "A few words, please."}, LONG[:600]),
    "knowledge answer": answer_form("K2"),
    "knowledge answer, errors": answer_form("K2", {"answer": "Too long"}, LONG),
}


def _visible(card: Card) -> str:
    return "\n".join(
        [card.title, card.text, *(f"{f.label} {f.value}" for f in card.fields)]
        + [b.label for b in card.all_buttons]
    )


@pytest.mark.parametrize("name", list(CARDS))
def test_the_card_is_valid_on_both_platforms(name: str) -> None:
    card = CARDS[name]
    blocks = as_message(card).blocks_json()
    parsed = Block.parse_all(blocks)
    assert len(parsed) == len(blocks) <= 50
    for block in parsed:
        block.to_dict()
    ids = [e["action_id"] for b in blocks for e in b.get("elements", []) if "action_id" in e]
    assert len(ids) == len(set(ids))
    assert_valid_card(choice_card_json(card))
    assert not CODES.search(_visible(card).replace(LONG, ""))


@pytest.mark.parametrize("name", list(FORMS))
def test_the_form_is_valid_on_both_platforms(name: str) -> None:
    form: Form = FORMS[name]
    view = form_view(form)
    view.validate_json()
    View(**view.to_dict()).validate_json()
    assert_valid_card(form_json(form))
    assert not CODES.search(form.title + form.intro)
