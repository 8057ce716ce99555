"""The log flow's forms and cards (issue 16) as Slack gets them, checked by slack_sdk's
Block Kit models: the deed modal (four inputs), the learner's (radio buttons for a few
choices, a select for many), the idea's (the rules as a section, one group of
checkboxes), and the saved card with its rows of one-tap details."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from adapters.slack.client import as_message
from adapters.slack.render import form_errors, form_view
from bot.engine import Engine
from bot.messages import Card, CardUpdate, Form
from tests.fakes.chat import Chat
from tests.fakes.deeds import IDEA, log_deed, tap_detail
from tests.fakes.slack_harness import all_text

DETAILS = ("context", "approach", "customer_aware", "offer_item")  # a learner's, required


def _valid_view(form: Form) -> dict[str, Any]:
    view = form_view(form)
    view.validate_json()
    as_dict = view.to_dict()
    View(**as_dict).validate_json()  # what Slack is sent parses back and validates too
    for block in Block.parse_all(as_dict["blocks"]):
        block.to_dict()  # each block validates on the way out
    return as_dict


def _valid_blocks(message: Card | CardUpdate) -> list[dict[str, Any]]:
    blocks = as_message(message).blocks_json()
    parsed = Block.parse_all(blocks)
    assert len(parsed) == len(blocks) <= 50
    for block in parsed:
        block.to_dict()
    ids = [e["action_id"] for b in blocks for e in b.get("elements", []) if "action_id" in e]
    assert len(ids) == len(set(ids))  # Slack refuses a message with the same action_id twice
    return blocks


def _elements(view: dict[str, Any]) -> dict[str, str]:
    """Each input block's element type, by block id, in order."""
    return {b["block_id"]: b["element"]["type"] for b in view["blocks"] if b["type"] == "input"}


async def test_the_deed_modal_is_valid_with_four_inputs(engine: Engine) -> None:
    chat = Chat(engine, "asha")
    await chat.say("log")
    view = _valid_view(chat.form)
    assert view["callback_id"] == "log-action" and view["submit"]["text"] == "Save"
    assert _elements(view) == {
        "extra": "plain_text_input",
        "customer_need": "plain_text_input",
        "result": "plain_text_input",
        "occurred_on": "datepicker",
    }
    optional = [b.get("optional", False) for b in view["blocks"] if b["type"] == "input"]
    assert optional == [False, False, True, True]
    # Sent back with errors: on the right blocks, and the modal still valid.
    await chat.submit(extra="Walked her to the bus", occurred_on="2026-12-25")
    assert set(form_errors(chat.form)) == {"customer_need", "occurred_on"}
    again = _valid_view(chat.form)
    typed = next(b for b in again["blocks"] if b.get("block_id") == "extra")
    assert typed["element"]["initial_value"] == "Walked her to the bus"


async def test_the_learners_modal_has_radio_buttons_for_few_choices(engine: Engine) -> None:
    engine.org.person("tom").__dict__["learner"] = True  # the org file's learner: true
    chat = Chat(engine, "tom")
    await chat.say("log")
    view = _valid_view(chat.form)
    elements = _elements(view)
    assert list(elements)[:4] == ["extra", "customer_need", "result", "occurred_on"]
    assert {name: elements[name] for name in DETAILS} == {
        "context": "radio_buttons",
        "approach": "radio_buttons",
        "customer_aware": "radio_buttons",
        "offer_item": "static_select",  # ten choices: a menu
    }
    # Sent back with the choices made: they stay chosen.
    await chat.submit(extra="x", customer_need="y", context="quiet", offer_item="carry-out")
    again = _valid_view(chat.form)
    chosen = {
        b["block_id"]: (b["element"].get("initial_option") or {}).get("value")
        for b in again["blocks"]
        if b.get("block_id") in DETAILS
    }
    assert chosen == {
        "context": "quiet",
        "approach": None,
        "customer_aware": None,
        "offer_item": "carry-out",
    }


async def test_the_idea_modal_shows_the_rules_and_one_group_of_checkboxes(
    engine: Engine,
) -> None:
    chat = Chat(engine, "asha")
    await chat.say("idea")
    view = _valid_view(chat.form)
    assert view["callback_id"] == "log-idea"
    assert _elements(view) == {
        "extra": "plain_text_input",
        "customer_need": "plain_text_input",
        "cost": "plain_text_input",
        "minutes": "plain_text_input",
        "explanation": "plain_text_input",
        "checked": "checkboxes",
    }
    rules = next(b for b in view["blocks"] if b.get("block_id") == "rules")
    assert rules["type"] == "section"  # words to read, not an input
    assert "Staff do not drive customers" in all_text([rules])  # a guideline
    assert "Consumer Rights Act 2015" in all_text([rules])  # a regulation
    ticks = next(b for b in view["blocks"] if b.get("block_id") == "checked")["element"]
    assert [o["value"] for o in ticks["options"]] == [
        "authority",
        "guidelines",
        "regulations",
        "others",
    ]
    assert "initial_options" not in ticks  # nothing ticked for you: unticked is a doubt
    # Sent back with an error, the ticks made stay ticked.
    await chat.submit(**(IDEA | {"minutes": "", "checked": "authority,others"}))
    assert set(form_errors(chat.form)) == {"minutes"}
    again = _valid_view(chat.form)
    kept = next(b for b in again["blocks"] if b.get("block_id") == "checked")["element"]
    assert [o["value"] for o in kept["initial_options"]] == ["authority", "others"]


async def test_the_saved_card_and_its_updates_are_valid_blocks(engine: Engine) -> None:
    chat = Chat(engine, "asha")
    await log_deed(chat)
    [saved] = [r for r in chat.last if isinstance(r, Card)][:1]
    blocks = _valid_blocks(saved)
    text = all_text(blocks)
    for row in saved.rows:  # each row's label, then its one-tap buttons
        assert row.label in text
    actions = [b for b in blocks if b["type"] == "actions"]
    values = [e["value"] for b in actions for e in b["elements"]]
    assert saved.card_key == "deed:1"  # the card's key: its later states replace it
    assert "1:context=busy" in values  # the action, the detail and its value in the tap
    for detail, value in (("context", "busy"), ("approach", "initiative")):
        await tap_detail(chat, detail, value)
        [update] = [r for r in chat.last if isinstance(r, CardUpdate)]
        _valid_blocks(update)


async def test_a_one_line_deeds_card_and_its_small_modals_are_valid(engine: Engine) -> None:
    chat = Chat(engine, "asha")
    await chat.say("log gave her a £15 voucher on Friday, took 20 min")
    [saved] = [r for r in chat.last if isinstance(r, Card)][:1]
    _valid_blocks(saved)
    await chat.click("Add the customer's need")
    view = _valid_view(chat.form)
    assert list(_elements(view)) == ["customer_need", "result"]
    await chat.send_text("log gave her a £15 voucher on Friday, took 20 min")
    await chat.click("Another…")
    view = _valid_view(chat.form)
    assert _elements(view) == {"offer_item": "static_select"}
