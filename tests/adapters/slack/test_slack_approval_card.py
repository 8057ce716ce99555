"""The supervisor's card in Slack (issue 16): the notification text, More in place, and
Approve with a comment through a modal."""

from __future__ import annotations

import re
from typing import Any

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from tests.adapters.slack.test_slack_approvals import SAM, _propose, _wait_for_post
from tests.fakes.slack_harness import SlackDriver, all_text


def _buttons(blocks: list[dict[str, Any]]) -> list[str]:
    return [
        e["text"]["text"]
        for b in blocks
        if b["type"] == "actions"
        for e in b.get("elements", [])
        if e.get("type") == "button"
    ]


def _labels_before_buttons(blocks: list[dict[str, Any]]) -> list[str]:
    """The bold labels (fields) shown above the first row of buttons."""
    above = blocks[: next(i for i, b in enumerate(blocks) if b["type"] == "actions")]
    texts = [b["text"]["text"] for b in above if b.get("text", {}).get("type") == "mrkdwn"]
    return re.findall(r"\*([^*\n]+)\*", "\n".join(texts))


async def test_the_notification_says_what_is_asked_and_for_when(slack: SlackDriver) -> None:
    card = await _propose(slack)
    # The message's text is what the phone's notification shows. The idea form asks no
    # date (issue 16): an idea is for today.
    assert card["text"] == "Asha asks to spend £18 and 10 min, for today"
    for block in Block.parse_all(card["blocks"]):
        block.to_dict()
    assert _buttons(card["blocks"]) == [
        "Approve",
        "Approve with a comment",
        "Decline",
        "Ask for more info",
        "More",
    ]
    labels = _labels_before_buttons(card["blocks"])
    assert len(labels) <= 6 and labels[0] == "Cost and time" and "Proposed extra" in labels
    assert "Customer's need" not in all_text(card["blocks"])


async def test_more_shows_the_rest_in_place_and_keeps_the_buttons(slack: SlackDriver) -> None:
    card = await _propose(slack)
    await slack.click(SAM, card, "More", channel="D0SAM001")
    await slack.fake.wait_until(
        lambda: any(u.params["ts"] == card["ts"] for u in slack.fake.of("chat.update"))
    )
    more = [u for u in slack.fake.of("chat.update") if u.params["ts"] == card["ts"]][-1]
    blocks = more.params["blocks"]
    for block in Block.parse_all(blocks):
        block.to_dict()
    text = all_text(blocks)
    assert "Customer's need" in text and "Why (in their words)" in text
    assert _buttons(blocks) == ["Approve", "Approve with a comment", "Decline", "Ask for more info"]


async def test_approve_with_a_comment_in_a_modal(slack: SlackDriver) -> None:
    card = await _propose(slack)
    before = len(slack.fake.of("views.open"))
    await slack.click(SAM, card, "Approve with a comment", channel="D0SAM001")
    opened = (await slack.fake.wait_for("views.open", before + 1))[-1]
    View(**opened.params["view"]).validate_json()
    assert opened.params["view"]["title"]["text"] == "Approve the request"
    response = await slack.submit_view(
        SAM, opened.params["view"], {"comment": "Yes; take it from the bakery counter"}
    )
    assert await response.text() == ""
    told = await _wait_for_post(slack, "D0ASHA01", "Sam Okafor approved your idea")
    assert "take it from the bakery counter" in all_text(told["blocks"])
    await slack.fake.wait_until(
        lambda: any(
            "✅ Approved by Sam Okafor" in all_text(u.params["blocks"])
            and "bakery counter" in all_text(u.params["blocks"])
            and u.params["ts"] == card["ts"]
            for u in slack.fake.of("chat.update")
        )
    )


async def test_more_claims_nothing_about_the_offer_for_an_idea(slack: SlackDriver) -> None:
    card = await _propose(slack)
    await slack.click(SAM, card, "More", channel="D0SAM001")
    await slack.fake.wait_until(
        lambda: any(u.params["ts"] == card["ts"] for u in slack.fake.of("chat.update"))
    )
    more = [u for u in slack.fake.of("chat.update") if u.params["ts"] == card["ts"]][-1]
    assert "Not covered by our routine offer" not in all_text(more.params["blocks"])
