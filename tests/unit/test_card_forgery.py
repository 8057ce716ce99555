"""Text a person typed cannot forge a card (issue 14): not on Slack, not on Teams.

A staff member typed fake "Cost and time" and "Within their authority?" fields, and 300
zero-width lines, into the customer's need, so the supervisor saw £0.00 / Yes first and
the real figures below Slack's "See more".
"""

from __future__ import annotations

import json
import re
from typing import Any

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from adapters.slack.render import card_message, form_view, home_view, text_message
from adapters.teams.cards import card_json, form_json, text_of
from bot.engine import Engine
from bot.messages import Card, CardField, CardUpdate, FieldKind, Form, FormField, Text
from tests.conversations.test_approvals import request_click, sams_card
from tests.fakes.chat import Chat
from tests.fakes.deeds import IDEA, propose_idea
from tests.fakes.slack_harness import SlackDriver, all_text
from tests.fakes.teams_harness import ASHA as ASHA_ON_TEAMS
from tests.fakes.teams_harness import TeamsDriver, assert_valid_card, card_text

FORGED = (
    "Needs a new cake\n\n*Cost and time*\n£0.00 · 0 minutes\n*Within their authority?*\nYes"
    "\n*Within our guidelines?*\n_Yes_ ~really~ `yes`\n\u202eseY\u202c" + "\u200b\n" * 300
)
COMPUTED = [
    "Cost and time",
    "Within their authority?",
    "Within our guidelines?",
    "Within the regulations?",
    "Affects other customers?",
]
INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
ASHA, SAM = "U0ASHA01", "U0SAM001"  # on Slack


async def _wait_for_post(slack: SlackDriver, channel: str, text: str) -> dict[str, Any]:
    """The latest message containing `text` posted to a channel, waiting as posts arrive."""
    for _ in range(100):
        posts = [
            {**c.params, "channel": c.response.get("channel"), "ts": c.response.get("ts")}
            for c in slack.fake.of("chat.postMessage")
            if c.response.get("channel") == channel
        ]
        for post in reversed(posts):
            if text in all_text(post["blocks"]):
                return post
        await slack.fake.wait_for(
            "chat.postMessage", len(slack.fake.of("chat.postMessage")) + 1, within=5
        )
    raise AssertionError(f"nothing with {text!r} posted to {channel}")


def _mrkdwn_texts(blocks: list[dict[str, Any]]) -> list[str]:
    out: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "mrkdwn":
                out.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(blocks)
    return out


def _bold_runs(mrkdwn: str) -> list[str]:
    """What Slack shows in bold: text between a pair of asterisks on one line."""
    return re.findall(r"\*([^*\n]+)\*", mrkdwn)


def _assert_slack_card_is_honest(blocks: list[dict[str, Any]]) -> None:
    for block in Block.parse_all(blocks):
        block.to_dict()  # slack_sdk validates each block's shape here
    mrkdwn = "\n".join(_mrkdwn_texts(blocks))
    bold = _bold_runs(mrkdwn)
    assert bold[: len(COMPUTED)] == COMPUTED, bold  # the computed fields come first
    assert bold.count("Cost and time") == 1 and bold.count("Within their authority?") == 1
    assert "Needs a new cake" not in " ".join(bold)
    # No typed formatting character reaches Slack: the only asterisks are the labels'.
    assert mrkdwn.count("*") == 2 * len(bold)
    assert not re.search(r"[_~`]", mrkdwn)
    text = all_text(blocks)
    assert text.index("£18.00") < text.index("£0.00")
    assert text.index("Not sure") < text.index("Needs a new cake")
    assert not INVISIBLE.search(json.dumps(blocks, ensure_ascii=False))
    assert "\n\n\n" not in text and len(text) < 3000
    # The typed lines are shown, as typed, but never as a label of their own.
    assert "∗Cost and time∗" in text and "ˍYesˍ ∼really∼ ˋyesˋ" in text


def _teams_markdown(card: dict[str, Any]) -> list[str]:
    """The strings Teams reads as markdown: TextBlock text and FactSet titles and values."""
    out: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "TextBlock":
                out.append(node["text"])
            if node.get("type") == "FactSet":
                out.extend(s for f in node["facts"] for s in (f["title"], f["value"]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(card)
    return out


def _teams_bold(card: dict[str, Any]) -> list[str]:
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


def _assert_teams_card_is_honest(card: dict[str, Any]) -> None:
    assert_valid_card(card)
    for markdown in _teams_markdown(card):
        assert "£0.00" not in markdown and "Needs a new cake" not in markdown
    bold = _teams_bold(card)
    assert bold[1 : 1 + len(COMPUTED)] == COMPUTED, bold  # after the title
    assert "Needs a new cake" not in " ".join(bold) and bold.count("Cost and time") == 1
    text = card_text(card)
    assert text.index("£18.00") < text.index("£0.00")
    assert not INVISIBLE.search(json.dumps(card, ensure_ascii=False))
    assert "\n\n\n" not in text


async def test_a_forged_need_cannot_imitate_the_computed_fields(engine: Engine) -> None:
    # The idea form always asks why (issue 16), quoted to the supervisor: forged too.
    sent = await propose_idea(Chat(engine, "asha"), customer_need=FORGED, explanation=FORGED)
    assert "Sent to Sam Okafor" in sent
    card = await sams_card(engine)
    assert card.fields[0].label == "Cost and time"
    # The need is behind More (issue 16): the card with every field is checked.
    [more] = await engine.handle(request_click(card, "More", "sam", "k-more"))
    assert isinstance(more, CardUpdate) and more.card.fields[0].label == "Cost and time"
    typed = [f.label for f in more.card.fields if f.value.startswith("Needs a new cake")]
    assert len(typed) == 2, typed  # the need and the why, both shown (as typed)
    _assert_slack_card_is_honest(card_message(more.card).blocks_json())
    _assert_teams_card_is_honest(card_json(more.card))


async def test_slack_supervisor_sees_the_real_figures_first(slack: SlackDriver) -> None:
    await slack.command(ASHA, "idea")
    [opened] = await slack.fake.wait_for("views.open")
    assert opened.params["view"]["callback_id"] == "log-idea"
    response = await slack.submit_view(
        ASHA, opened.params["view"], IDEA | {"customer_need": FORGED}
    )
    assert await response.text() == ""  # sent on submit
    card = await _wait_for_post(slack, "D0SAM001", "Asha asks to spend £18 and 10 min")
    # The need is behind More (issue 16): More shows every field, in place.
    await slack.click(SAM, card, "More", channel="D0SAM001")
    await slack.fake.wait_until(
        lambda: any(u.params["ts"] == card["ts"] for u in slack.fake.of("chat.update"))
    )
    [more] = [u for u in slack.fake.of("chat.update") if u.params["ts"] == card["ts"]][-1:]
    _assert_slack_card_is_honest(more.params["blocks"])


def test_typed_formatting_never_takes_effect_in_slack() -> None:
    typed = (
        "a *b* _c_ ~d~ `e` ```f``` <!channel> \u202eevil\u202c z\u200b\u200bw"
        " :slightly_smiling_face:"
    )
    [section] = text_message(Text(typed)).blocks_json()
    shown = section["text"]["text"]
    assert section["text"]["verbatim"] is True
    assert not re.search(r"[*_~`]", shown.replace(":slightly_smiling_face:", ""))
    assert "∗b∗ ˍcˍ ∼d∼ ˋeˋ ˋˋˋfˋˋˋ &lt;!channel&gt; evil zw" in shown
    assert ":slightly_smiling_face:" in shown  # an emoji Slack sent as its name still shows


def test_labels_keep_their_bold_and_long_typed_values_are_capped() -> None:
    card = Card(
        title="Check \u202ethis\u202c",
        text="Line one\n\n\n\n\u200b\n\nline two *not bold*",
        fields=(
            CardField("Customer's need", "x" * 5000),
            CardField("Stand-outs", "first\nsecond *two*\n\n\nthird"),
        ),
    )
    blocks = card_message(card).blocks_json()
    assert blocks[0]["text"]["text"] == "Check this"
    assert blocks[1]["text"]["text"] == "Line one\n\nline two ∗not bold∗"
    fields = "\n".join(b["text"]["text"] for b in blocks[2:])
    assert fields.startswith("*Customer's need*\n" + "x" * 100)
    assert len(fields) < 2300 and "…" in fields
    # Several lines are quoted, so none of them can pass for a label.
    assert "*Stand-outs*\n> first\n> second ∗two∗\n> third" in fields


def test_forged_text_in_forms_and_the_home_tab_still_makes_valid_views() -> None:
    form = Form(
        form_id="f",
        title="Ask \u202eback",
        intro=FORGED,
        fields=(FormField("t", "Need *x*", FieldKind.LONG_TEXT, value=FORGED),),
    )
    view = form_view(form).to_dict()
    View(**view).validate_json()
    assert not re.search(r"[*_~`]", view["blocks"][0]["text"]["text"])
    assert view["blocks"][1]["element"]["initial_value"] == FORGED  # what they typed, to edit
    home = home_view([Card(title="Waiting", fields=(CardField("Need", FORGED),))]).to_dict()
    View(**home).validate_json()
    assert _bold_runs("\n".join(_mrkdwn_texts(home["blocks"]))) == ["Need"]


def test_typed_markdown_never_reaches_a_teams_text_block() -> None:
    card = Card(
        title="**Approved** by [me](https://evil.example)",
        text="- one\n1. two\n# heading\n**bold** [link](https://evil.example)",
        fields=(CardField("Customer's need", FORGED),),
    )
    rendered = card_json(card)
    assert_valid_card(rendered)
    assert _teams_markdown(rendered) == []
    assert _teams_bold(rendered) == [
        "**Approved** by [me](https://evil.example)",
        "Customer's need",
    ]
    text = card_text(rendered)
    assert "- one" in text and "[link](https://evil.example)" in text
    assert not INVISIBLE.search(json.dumps(rendered, ensure_ascii=False))
    form = form_json(Form(form_id="f", title="T", intro="**x**", fields=()))
    assert_valid_card(form)
    assert _teams_markdown(form) == []


def test_teams_message_text_loses_its_invisible_padding() -> None:
    typed = "Declined: \u202enoitanalpxe\u202c" + "\u200b\n" * 300 + "\n\nSee you"
    assert text_of([Text(typed)]) == "Declined: noitanalpxe\n\nSee you"


async def test_teams_sends_the_engine_s_text_as_plain_text(teams: TeamsDriver) -> None:
    await teams.say(ASHA_ON_TEAMS, "**what** [is](https://evil.example) this")
    [sent] = await teams.connector.wait_for_sent()
    assert sent.body["text"].startswith("Sorry, I didn't catch that")
    # Teams reads a message's text as markdown unless told otherwise.
    assert sent.body["textFormat"] == "plain"
