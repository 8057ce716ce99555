"""Every kind of engine message renders to a valid Adaptive Card 1.5."""

from __future__ import annotations

import pytest

from adapters.teams.cards import choice_card_json, form_json, settled_json
from bot.features.general.flow import HELP
from bot.messages import (
    Button,
    ButtonStyle,
    Card,
    CardField,
    Choice,
    FieldKind,
    Form,
    FormField,
)
from tests.fakes.teams_harness import assert_valid_card, card_text

LONG = "🚌 مرحبا " * 600

CARDS = [
    HELP,
    Card(title="Only a title"),
    Card(
        title=LONG,
        text=LONG,
        fields=tuple(CardField(f"l{i}", LONG) for i in range(40)),
        buttons=(
            Button("Save", "log.save", style=ButtonStyle.PRIMARY),
            Button("Cancel", "log.cancel", style=ButtonStyle.DANGER),
        ),
    ),
    Card(
        title="Pick",
        buttons=tuple(Button(f"Option {i}", "log.answer", f"f={i}") for i in range(10)),
    ),
    Card(title="Mixed", buttons=tuple(Button(f"B{i}", f"menu.{i}") for i in range(8))),
    Card(  # typed markdown, bidi controls and zero-width padding, blank values
        title="**Forged** \u202etitle",
        text="\u200b\n" * 300,
        fields=(CardField("Need", "- a\n\n1. b\n[c](https://x.example)"), CardField("Empty", "")),
    ),
]


@pytest.mark.parametrize("card", CARDS, ids=range(len(CARDS)))
def test_cards_are_valid(card: Card) -> None:
    assert_valid_card(choice_card_json(card))


def test_a_form_with_every_kind_of_field_and_errors_is_valid() -> None:
    form = Form(
        form_id="f",
        title="Log an extra-mile action",
        intro="Tell me",
        fields=(
            FormField("d", "When?", FieldKind.DATE, required=False, value="2026-11-20"),
            FormField("t", "Need", FieldKind.LONG_TEXT, value="x" * 1600, max_length=1500),
            FormField("s", "Short", FieldKind.TEXT),
            FormField(
                "c",
                "Choose",
                FieldKind.CHOICE,
                value="b",
                options=(Choice("a", "A"), Choice("b", "B")),
            ),
            FormField("n", "Number", FieldKind.NUMBER, required=False),
        ),
        errors={"t": "That's 1,600 characters; please keep it under 1,500.", "s": "Needed"},
    )
    card = form_json(form)
    assert_valid_card(card)
    text = card_text(card)
    assert "That's 1,600 characters" in text and "Please check the fields" in text
    inputs = {e["id"]: e for e in card["body"] if e["type"].startswith("Input.")}
    assert inputs["t"]["value"] == "x" * 1600 and inputs["c"]["value"] == "b"
    assert inputs["d"]["value"] == "2026-11-20"


def test_settled_card_is_valid() -> None:
    assert_valid_card(settled_json("Check before I save it", "Save"))


def test_the_schema_check_would_catch_a_broken_card() -> None:
    broken = choice_card_json(HELP)
    broken["actions"][0]["type"] = "Action.Teleport"
    with pytest.raises(AssertionError):
        assert_valid_card(broken)
