"""Every kind of engine message renders to a valid Adaptive Card 1.5."""

from __future__ import annotations

import pytest

from adapters.teams.cards import attachment_json, choice_card_json, form_json, settled_json
from bot.engine import Engine
from bot.features.general.flow import HELP
from bot.messages import (
    Button,
    ButtonStyle,
    Card,
    CardField,
    CardUpdate,
    Choice,
    FieldKind,
    Form,
    FormField,
)
from tests.fakes.chat import Chat
from tests.fakes.deeds import IDEA, log_deed, tap_detail
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


# --- the log flow's forms and cards (issue 16), as the engine sends them ------------------


async def _deed_form(engine: Engine, who: str = "asha") -> Form:
    chat = Chat(engine, who)
    await chat.say("log")
    return chat.form


def _learner(engine: Engine) -> None:
    engine.org.person("tom").__dict__["learner"] = True  # the org file's learner: true


async def test_the_deed_form_is_valid_with_four_inputs(engine: Engine) -> None:
    card = form_json(await _deed_form(engine))
    assert_valid_card(card)
    inputs = {e["id"]: e for e in card["body"] if e["type"].startswith("Input.")}
    assert list(inputs) == ["extra", "customer_need", "result", "occurred_on"]
    assert [a["title"] for a in card["actions"]] == ["Save"]


async def test_the_deed_form_sent_back_with_errors_is_valid(engine: Engine) -> None:
    chat = Chat(engine, "asha")
    await chat.say("log")
    await chat.submit(extra="Walked her to the bus", occurred_on="2026-12-25")
    card = form_json(chat.form)
    assert_valid_card(card)
    assert "That date is in the future" in card_text(card)


async def test_the_idea_form_is_valid_with_rules_as_text_and_one_group_of_ticks(
    engine: Engine,
) -> None:
    chat = Chat(engine, "asha")
    await chat.say("idea")
    card = form_json(chat.form)
    assert_valid_card(card)
    inputs = {e["id"]: e for e in card["body"] if e["type"].startswith("Input.")}
    assert list(inputs) == ["extra", "customer_need", "cost", "minutes", "explanation", "checked"]
    ticks = inputs["checked"]
    assert ticks["type"] == "Input.ChoiceSet" and ticks["isMultiSelect"] is True
    assert ticks["style"] == "expanded" and len(ticks["choices"]) == 4
    assert "value" not in ticks  # nothing ticked for you: an unticked box is a doubt
    rules = [e for e in card["body"] if e["type"] == "RichTextBlock"]
    assert any("Staff do not drive customers" in card_text(r) for r in rules)  # a guideline
    assert any("Consumer Rights Act 2015" in card_text(r) for r in rules)  # a regulation
    # Sent back with errors, the ticks made are kept.
    await chat.submit(**(IDEA | {"cost": "lots", "checked": "authority,others"}))
    again = form_json(chat.form)
    assert_valid_card(again)
    kept = {e["id"]: e for e in again["body"] if e["type"].startswith("Input.")}["checked"]
    assert kept["value"] == "authority,others"


async def test_the_learners_form_shows_few_choices_as_radio_buttons(engine: Engine) -> None:
    _learner(engine)
    card = form_json(await _deed_form(engine, "tom"))
    inputs = {e["id"]: e for e in card["body"] if e["type"].startswith("Input.")}
    assert list(inputs)[:4] == ["extra", "customer_need", "result", "occurred_on"]
    assert {"context", "approach", "customer_aware", "offer_item"} <= set(inputs)
    for name in ("context", "approach", "customer_aware"):
        assert inputs[name]["style"] == "expanded" and inputs[name]["isRequired"] is True
    assert inputs["offer_item"]["style"] == "filtered"  # ten: a list to type into


async def test_the_learners_form_is_valid(engine: Engine) -> None:
    _learner(engine)
    assert_valid_card(form_json(await _deed_form(engine, "tom")))


async def test_the_saved_card_with_its_rows_is_valid_and_each_tap_an_execute(
    engine: Engine,
) -> None:
    chat = Chat(engine, "asha")
    await log_deed(chat)
    [saved] = [r for r in chat.last if isinstance(r, Card)][:1]
    card = attachment_json(saved)
    assert card is not None
    assert_valid_card(card)
    rows = [e for e in card["body"] if e["type"] == "ActionSet"]
    assert len(rows) == len(saved.rows) == 4
    for row, expected in zip(rows, saved.rows, strict=True):
        assert [a["title"] for a in row["actions"]] == [b.label for b in expected.buttons]
        assert all(a["type"] == "Action.Execute" for a in row["actions"])
    # Tapped: the updated card (what the invoke answers with) is valid too.
    await tap_detail(chat, "context", "busy")
    [update] = [r for r in chat.last if isinstance(r, CardUpdate)]
    updated = attachment_json(update)
    assert updated is not None
    assert_valid_card(updated)
    assert len([e for e in updated["body"] if e["type"] == "ActionSet"]) == 3


async def test_a_one_line_deeds_card_and_its_need_form_are_valid(engine: Engine) -> None:
    chat = Chat(engine, "asha")
    await chat.say("log gave her a £15 voucher on Friday, took 20 min")
    [saved] = [r for r in chat.last if isinstance(r, Card)][:1]
    card = attachment_json(saved)
    assert card is not None
    assert_valid_card(card)
    assert "Add the customer's need" in [a["title"] for a in card["actions"]]
    await chat.click("Add the customer's need")
    assert_valid_card(form_json(chat.form))


async def test_the_whole_offer_form_is_valid(engine: Engine) -> None:
    chat = Chat(engine, "asha")
    await chat.say("log gave her a £15 voucher on Friday, took 20 min")
    await chat.click("Another…")
    assert_valid_card(form_json(chat.form))
