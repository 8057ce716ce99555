"""The supervisor's card in Teams (issue 16): the first line, six fields before the
buttons, More in place, and Approve with a comment on the card."""

from __future__ import annotations

from typing import Any

from tests.adapters.teams.test_teams_approvals import _card_sent, _propose
from tests.fakes.teams_harness import (
    ASHA,
    SAM,
    TeamsDriver,
    action_titled,
    assert_valid_card,
    card_text,
)


def _facts(card: dict[str, Any]) -> list[str]:
    titles: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "FactSet":
                titles.extend(f["title"] for f in node["facts"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(card)
    return titles


def _bold(card: dict[str, Any]) -> list[str]:
    out: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("weight") == "Bolder" and isinstance(node.get("text"), str):
                out.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(card)
    return out


async def test_the_card_opens_with_what_is_asked_and_for_when(teams: TeamsDriver) -> None:
    card = await _propose(teams)
    # The idea form asks no date (issue 16): an idea is for today.
    assert card_text(card).startswith("Asha asks to spend £18 and 10 min, for today")
    labels = _facts(card) or _bold(card)[1:]
    assert len(labels) <= 6 and labels[0] == "Cost and time", labels
    assert "Customer's need" not in card_text(card)
    assert [a["title"] for a in card["actions"]] == [
        "Approve",
        "Approve with a comment",
        "Decline",
        "Ask for more info",
        "More",
    ]


async def test_more_answers_with_the_whole_card(teams: TeamsDriver) -> None:
    card = await _propose(teams)
    response = await teams.execute(SAM, action_titled(card, "More"))
    more = (await response.json())["value"]
    assert_valid_card(more)
    assert "Customer's need" in card_text(more) and "Why (in their words)" in card_text(more)
    assert [a["title"] for a in more["actions"]] == [
        "Approve",
        "Approve with a comment",
        "Decline",
        "Ask for more info",
    ]


async def test_approve_with_a_comment_on_the_card(teams: TeamsDriver) -> None:
    card = await _propose(teams)
    response = await teams.execute(SAM, action_titled(card, "Approve with a comment"))
    form = (await response.json())["value"]
    assert_valid_card(form)
    assert "Approve the request" in card_text(form)
    response = await teams.execute(
        SAM, action_titled(form, "Approve"), {"comment": "Yes; from the bakery counter"}
    )
    decided = (await response.json())["value"]
    assert_valid_card(decided)
    assert "✅ Approved by Sam Okafor" in card_text(decided)
    assert "bakery counter" in card_text(decided)
    _, told = await _card_sent(teams, ASHA["id"], "Sam Okafor approved your idea")
    assert "bakery counter" in card_text(told)
