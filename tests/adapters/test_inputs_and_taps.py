"""How much it takes to log (issue 16, "What it must show"): each path counted on Slack
(the real bolt app over HTTP, signed requests, the fake Slack Web API), on Teams (the
real CloudAdapter, the fake connector) and in the console (the real `extramile console`
process): a done deed, a one-line deed, an idea inside authority and one beyond it.

The counts come from what was really rendered and really sent, never from the engine's
messages: the inputs are the modal's input blocks in the views.open payload Slack got,
the card's Input.* elements Teams got, the prompts the console printed; an input is
"typed" when a value was given for a text or date input, "chosen" for a group of radio
buttons or ticks; a tap is a request a person's click makes (a submit, a button). A value
may only be given for an input that was shown, so nothing is counted that isn't there.

Measured (README, "Logging in under a minute"):

| path                  | opened by  | inputs shown | typed | chosen | taps     |
|-----------------------|------------|--------------|-------|--------|----------|
| done deed             | 1 message  | 4            | 3     | 0      | 1 submit |
| each detail after it  | -          | 0            | 0     | 0      | 1        |
| one-line deed         | 1 message  | 0            | 0     | 0      | 0        |
| idea inside authority | 1 message  | 6            | 5     | 1      | 1 submit |
| idea beyond authority | 1 message  | 6            | 5     | 1      | 1 submit |

The same on Slack and Teams. The console asks the same inputs one prompt each; the
Enter after the last answer sends the form (no separate submit), the date is kept with
an Enter, and a detail is its number typed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import Block
from sqlmodel import select

from bot.settings import Settings
from storage.database import open_database
from storage.tables import ActionRow, FeasibilityRequestRow
from storage.uow import UnitOfWork
from tests.fakes.deeds import EVERY_BOX, IDEA
from tests.fakes.process import Cli, cli_env
from tests.fakes.settle import server_settled
from tests.fakes.slack_harness import SlackDriver, all_text
from tests.fakes.teams_harness import ASHA as TEAMS_ASHA
from tests.fakes.teams_harness import (
    TeamsDriver,
    action_titled,
    assert_valid_card,
    card_text,
)

ASHA = "U0ASHA01"
DEED = {  # the date is left as it is: today
    "extra": "Carried a 55 inch TV to her car",
    "customer_need": "Couldn't lift the box into her car on her own",
    "result": "She said she'd be back for the soundbar",
}
LINE = "gave her a £4 voucher yesterday, took 5 min"
INSIDE = IDEA | {"cost": "4", "checked": EVERY_BOX}  # £4: within the £10 staff may spend
BEYOND = IDEA  # £18, and not sure it's within authority


def _today() -> date:
    """The servers run on the real clock, in the shop's time zone."""
    return datetime.now(ZoneInfo("Europe/London")).date()


# The saved card's four detail rows: one tap each (the offer's likely item by the words).
DETAIL_TAPS = ("Busy time", "My own initiative", "Yes", "Help to the car with bulky items on…")


@dataclass
class Count:
    """What a person did on one path."""

    messages: int = 0  # lines sent to the bot (a command, a DM)
    shown: int = 0  # inputs the form showed
    typed: int = 0  # text or date inputs given a value
    chosen: int = 0  # choice groups (radio buttons, ticks, a select) given a value
    taps: int = 0  # clicks: a submit or a button

    def row(self) -> tuple[int, int, int, int, int]:
        return (self.messages, self.shown, self.typed, self.chosen, self.taps)


# (messages, inputs shown, typed, chosen, taps)
DONE_DEED = (1, 4, 3, 0, 1)
ONE_LINE_DEED = (1, 0, 0, 0, 0)
IDEA_FORM = (1, 6, 5, 1, 1)


async def _rows(database_url: str, table: type[Any]) -> list[Any]:
    database = open_database(database_url)
    try:
        async with UnitOfWork(database) as uow:
            return list((await uow.session.exec(select(table))).all())
    finally:
        await database.close()


# --- Slack ------------------------------------------------------------------------------

SLACK_TYPED = {"plain_text_input", "datepicker", "number_input"}
SLACK_CHOSEN = {"radio_buttons", "checkboxes", "static_select"}


class SlackPerson:
    """Asha on Slack, counting what she does against what Slack was sent."""

    def __init__(self, slack: SlackDriver) -> None:
        self.slack = slack
        self.count = Count()

    async def command(self, text: str) -> None:
        self.count.messages += 1
        assert (await self.slack.command(ASHA, text)).status == 200

    async def modal(self) -> dict[str, Any]:
        """The modal just opened, as Slack got it; its input blocks are counted."""
        [opened] = await self.slack.fake.wait_for("views.open")
        view: dict[str, Any] = opened.params["view"]
        self.count.shown += len([b for b in view["blocks"] if b["type"] == "input"])
        return view

    async def submit(self, view: dict[str, Any], values: dict[str, str]) -> str:
        inputs = {
            b["block_id"]: b["element"]["type"] for b in view["blocks"] if b["type"] == "input"
        }
        assert set(values) <= set(inputs), f"not shown: {set(values) - set(inputs)}"
        self.count.typed += len([n for n in values if inputs[n] in SLACK_TYPED])
        self.count.chosen += len([n for n in values if inputs[n] in SLACK_CHOSEN])
        self.count.taps += 1
        response = await self.slack.submit_view(ASHA, view, values)
        assert response.status == 200
        return await response.text()

    async def tap(self, message: dict[str, Any], label: str) -> None:
        self.count.taps += 1
        assert (await self.slack.click(ASHA, message, label)).status == 200

    async def posted(self, text: str) -> dict[str, Any]:
        """The message with `text` that reached Asha's DM."""
        found: list[dict[str, Any]] = []

        def arrived() -> bool:
            found[:] = [
                {**c.params, "channel": c.response["channel"], "ts": c.response["ts"]}
                for c in self.slack.fake.of("chat.postMessage")
                if c.response.get("channel") == "D0ASHA01" and text in all_text(c.params["blocks"])
            ]
            return bool(found)

        await self.slack.fake.wait_until(arrived)
        return found[-1]

    def edits_of(self, message: dict[str, Any]) -> list[dict[str, Any]]:
        return [
            {**u.params, "ts": message["ts"]}
            for u in self.slack.fake.of("chat.update")
            if u.params["ts"] == message["ts"]
        ]


def _slack_messages_are_valid(slack: SlackDriver) -> None:
    """Everything posted or edited parses as Block Kit, with its action_ids unique (Slack
    refuses a message that repeats one; a saved card and a question after it are one)."""
    for call in [*slack.fake.of("chat.postMessage"), *slack.fake.of("chat.update")]:
        blocks = call.params.get("blocks") or []
        for block in Block.parse_all(blocks):
            block.to_dict()
        ids = [e["action_id"] for b in blocks for e in b.get("elements", []) if "action_id" in e]
        assert len(ids) == len(set(ids)), ids


async def test_slack_a_done_deed_is_three_typed_and_one_submit_then_a_tap_a_detail(
    slack: SlackDriver, slack_settings: Settings
) -> None:
    asha = SlackPerson(slack)
    await asha.command("")
    view = await asha.modal()
    assert await asha.submit(view, DEED) == ""  # the modal closes: saved
    saved = await asha.posted("Saved: your 1st extra-mile action")
    assert asha.count.row() == DONE_DEED
    [action] = await _rows(slack_settings.database_url, ActionRow)
    assert action.extra == DEED["extra"] and action.occurred_on == _today()

    taps_before = asha.count.taps
    card = saved
    for number, label in enumerate(DETAIL_TAPS, start=1):
        await asha.tap(card, label)
        await slack.fake.wait_until(lambda n=number: len(asha.edits_of(saved)) >= n)
        card = asha.edits_of(saved)[-1]
    assert asha.count.taps - taps_before == len(DETAIL_TAPS)  # one tap each
    assert "All the details are in" in all_text(card["blocks"])
    [action] = await _rows(slack_settings.database_url, ActionRow)
    assert (action.context, action.approach, action.customer_aware) == ("busy", "initiative", True)
    assert action.offer_item_id == "carry-out"
    assert len(slack.fake.of("views.open")) == 1  # no other form along the way
    _slack_messages_are_valid(slack)


async def test_slack_a_one_line_deed_is_one_message(
    slack: SlackDriver, slack_settings: Settings
) -> None:
    asha = SlackPerson(slack)
    await asha.command(LINE)
    await asha.posted("Saved: your 1st extra-mile action")
    assert asha.count.row() == ONE_LINE_DEED
    assert slack.fake.of("views.open") == []
    [action] = await _rows(slack_settings.database_url, ActionRow)
    assert (action.cost, action.minutes) == (Decimal("4.00"), 5)
    assert action.extra == LINE and action.status == "done"
    _slack_messages_are_valid(slack)


async def test_slack_an_idea_inside_authority_is_five_typed_one_group_and_one_submit(
    slack: SlackDriver, slack_settings: Settings
) -> None:
    asha = SlackPerson(slack)
    await asha.command("idea")
    view = await asha.modal()
    assert await asha.submit(view, INSIDE) == ""
    await asha.posted("Go ahead: it's within your authority")
    assert asha.count.row() == IDEA_FORM
    assert await _rows(slack_settings.database_url, FeasibilityRequestRow) == []
    [action] = await _rows(slack_settings.database_url, ActionRow)
    assert action.status == "done"
    _slack_messages_are_valid(slack)


async def test_slack_an_idea_beyond_authority_is_the_same_with_no_second_step(
    slack: SlackDriver, slack_settings: Settings
) -> None:
    asha = SlackPerson(slack)
    await asha.command("idea")
    view = await asha.modal()
    assert await asha.submit(view, BEYOND) == ""
    await asha.posted("Sent to Sam Okafor to check")
    assert asha.count.row() == IDEA_FORM
    [request] = await _rows(slack_settings.database_url, FeasibilityRequestRow)
    assert request.within_authority == "unsure"  # the box left unticked: a doubt
    assert len(slack.fake.of("views.open")) == 1
    _slack_messages_are_valid(slack)


# --- Teams ------------------------------------------------------------------------------

TEAMS_TYPED = {"Input.Text", "Input.Date", "Input.Number", "Input.Time"}


class TeamsPerson:
    """Asha on Teams, counting what she does against the cards the connector got."""

    def __init__(self, teams: TeamsDriver) -> None:
        self.teams = teams
        self.count = Count()

    async def say(self, text: str) -> None:
        self.count.messages += 1
        before = len(self.teams.connector.sent())
        assert (await self.teams.say(TEAMS_ASHA, text)).status in (200, 201)
        await self.teams.connector.wait_for_sent(before + 1)

    def form(self) -> dict[str, Any]:
        """The form card just sent; its Input.* elements are counted."""
        card = self.teams.last_card()
        assert_valid_card(card)
        self.count.shown += len(_teams_inputs(card))
        return card

    async def submit(self, card: dict[str, Any], title: str, values: dict[str, str]) -> str:
        inputs = _teams_inputs(card)
        assert set(values) <= set(inputs), f"not shown: {set(values) - set(inputs)}"
        self.count.typed += len([n for n in values if inputs[n] in TEAMS_TYPED])
        self.count.chosen += len([n for n in values if inputs[n] == "Input.ChoiceSet"])
        return card_text(await self._execute(action_titled(card, title), values))

    async def tap(self, card: dict[str, Any], title: str) -> dict[str, Any]:
        """A one-tap detail on a card's row; the invoke's answer is the card updated."""
        rows = [a for e in card["body"] if e["type"] == "ActionSet" for a in e["actions"]]
        [action] = [a for a in rows if a["title"] == title]
        return await self._execute(action, {})

    async def _execute(self, action: dict[str, Any], values: dict[str, str]) -> dict[str, Any]:
        self.count.taps += 1
        response = await self.teams.execute(TEAMS_ASHA, action, values)
        body = await response.json()
        assert body["statusCode"] == 200
        answer: dict[str, Any] = body["value"]
        assert_valid_card(answer)
        return answer

    async def card_with(self, text: str) -> dict[str, Any]:
        found: list[dict[str, Any]] = []

        def sent() -> bool:
            found[:] = [
                c
                for call in self.teams.connector.sent()
                for c in self.teams.connector.cards(call)
                if text in card_text(c)
            ]
            return bool(found)

        await self.teams.connector.wait_until(sent)
        return found[-1]


def _teams_inputs(card: dict[str, Any]) -> dict[str, str]:
    return {e["id"]: e["type"] for e in card["body"] if e["type"].startswith("Input.")}


async def test_teams_a_done_deed_is_three_typed_and_one_submit_then_a_tap_a_detail(
    teams: TeamsDriver, teams_settings: Settings
) -> None:
    asha = TeamsPerson(teams)
    await asha.say("log")
    form = asha.form()
    assert "✓ Sent" in await asha.submit(form, "Save", DEED)
    saved = await asha.card_with("Saved: your 1st extra-mile action")
    assert_valid_card(saved)
    assert asha.count.row() == DONE_DEED
    [action] = await _rows(teams_settings.database_url, ActionRow)
    assert action.extra == DEED["extra"] and action.occurred_on == _today()

    taps_before, sent_before = asha.count.taps, len(teams.connector.sent())
    card = saved
    for label in DETAIL_TAPS:
        card = await asha.tap(card, label)
    assert asha.count.taps - taps_before == len(DETAIL_TAPS)  # one tap each
    assert "All the details are in" in card_text(card)
    await server_settled(teams.client.server.app)
    assert len(teams.connector.sent()) == sent_before  # answered in place, nothing posted
    [action] = await _rows(teams_settings.database_url, ActionRow)
    assert (action.context, action.approach, action.customer_aware) == ("busy", "initiative", True)
    assert action.offer_item_id == "carry-out"


async def test_teams_a_one_line_deed_is_one_message(
    teams: TeamsDriver, teams_settings: Settings
) -> None:
    asha = TeamsPerson(teams)
    await asha.say(f"log {LINE}")
    saved = await asha.card_with("Saved: your 1st extra-mile action")
    assert_valid_card(saved)
    assert asha.count.row() == ONE_LINE_DEED
    [action] = await _rows(teams_settings.database_url, ActionRow)
    assert (action.cost, action.minutes) == (Decimal("4.00"), 5)
    assert action.extra == LINE


async def test_teams_an_idea_inside_authority_is_five_typed_one_group_and_one_submit(
    teams: TeamsDriver, teams_settings: Settings
) -> None:
    asha = TeamsPerson(teams)
    await asha.say("idea")
    form = asha.form()
    assert "✓ Sent" in await asha.submit(form, "Send", INSIDE)
    await asha.card_with("Go ahead: it's within your authority")
    assert asha.count.row() == IDEA_FORM
    assert await _rows(teams_settings.database_url, FeasibilityRequestRow) == []


async def test_teams_an_idea_beyond_authority_is_the_same_with_no_second_step(
    teams: TeamsDriver, teams_settings: Settings
) -> None:
    asha = TeamsPerson(teams)
    await asha.say("idea")
    form = asha.form()
    assert "✓ Sent" in await asha.submit(form, "Send", BEYOND)
    await asha.card_with("Sent to Sam Okafor to check")
    assert asha.count.row() == IDEA_FORM
    [request] = await _rows(teams_settings.database_url, FeasibilityRequestRow)
    assert request.within_authority == "unsure"


# --- the console ------------------------------------------------------------------------


@dataclass
class ConsoleCount:
    prompts: int = 0  # fields asked, one prompt each
    typed: int = 0  # answers typed (words, a date, the numbers of ticks)
    enters: int = 0  # prompts answered with Enter alone (what is there is kept)


def _asked(shown: str) -> str:
    """The field the console asks: the last unindented line before the prompt."""
    lines = [line for line in shown.splitlines() if line and not line.startswith((" ", ">"))]
    return lines[-1].removesuffix(" (optional)") if lines else ""


async def _fill(
    cli: Cli, opened: str, answers: dict[str, str], done: Callable[[str], bool]
) -> tuple[ConsoleCount, str]:
    """Answer each prompt the console shows from `answers` (by the field's question,
    Enter when not given) until `done(output)`; count the prompts and the answers."""
    count = ConsoleCount()
    shown = opened
    while not done(shown):
        question = _asked(shown)
        assert question, shown
        count.prompts += 1
        # By the question's start: "I checked" whatever its note in brackets says.
        answer = next((a for q, a in answers.items() if question.startswith(q)), "")
        count.typed += bool(answer)
        count.enters += not answer
        shown = await cli.send(answer)
        assert count.prompts <= 10, shown
    return count, shown


async def test_the_console_asks_the_same_and_a_line_is_one_line(tmp_path: Path) -> None:
    database = tmp_path / "console.db"
    cli = await Cli.start("console", "--as", "asha", env=cli_env(database))
    url = f"sqlite:///{database}"
    try:
        await cli.expect("> ")
        # A done deed: four prompts, three typed, the date kept with Enter.
        opened = await cli.send("log")
        deed = {
            "What did you do?": DEED["extra"],
            "What did the customer need?": DEED["customer_need"],
            "How did it go?": DEED["result"],
        }
        count, saved = await _fill(cli, opened, deed, lambda out: "Saved:" in out)
        assert (count.prompts, count.typed, count.enters) == (4, 3, 1)
        assert "Saved: your 1st extra-mile action" in saved
        # Each detail: its number, typed once.
        card = saved
        for label in DETAIL_TAPS:
            [number] = re.findall(rf"\[(\d+)\] {re.escape(label)}(?:  |\n)", card)
            card = await cli.send(number)
        assert "All the details are in" in card

        # A one-line deed: that line, nothing more.
        assert "Saved: your 2nd extra-mile action" in await cli.send(f"log {LINE}")
        [_, line_deed] = await _rows(url, ActionRow)
        assert (line_deed.cost, line_deed.minutes) == (Decimal("4.00"), 5)

        # An idea, inside authority then beyond it: six prompts, five typed and one line
        # of ticks, the rules shown as words to read (no prompt).
        for values, ticks, outcome in (
            (INSIDE, "1 2 3 4", "Go ahead: it's within your authority"),
            (BEYOND, "2 3 4", "Sent to Sam Okafor to check"),
        ):
            opened = await cli.send("idea")
            idea = {
                "What's your idea?": values["extra"],
                "What does the customer need?": values["customer_need"],
                "What would it cost?": values["cost"],
                "How long would it take?": values["minutes"],
                "Why would it help the customer?": values["explanation"],
                "I checked": ticks,
            }
            count, _ = await _fill(cli, opened, idea, lambda out, o=outcome: o in out)
            assert (count.prompts, count.typed, count.enters) == (6, 6, 0)
            assert "What our rules say" in cli.seen
        [request] = await _rows(url, FeasibilityRequestRow)
        assert request.within_authority == "unsure" and request.within_guidelines == "yes"
        await cli.send("quit", then="Bye!", last=True)
        assert await cli.close() == 0
    finally:
        if cli.process.returncode is None:
            await cli.kill()
