"""Someone with both a Slack and a Teams id gets messages where they last talked to
the bot, or on every platform they have an id for until they have talked to it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest
from pytest_aiohttp import AiohttpClient

from bot.clock import FixedClock
from bot.delivery.codec import dump_outbound
from bot.delivery.dispatcher import Dispatcher
from bot.domain.org import Organisation, Person
from bot.engine import Engine
from bot.messages import Address, Outbound, Sender, Text, TextMessage
from bot.settings import EXAMPLE_ORG_FILE, Settings
from storage.outbox import enqueue
from storage.uow import UnitOfWork
from tests.adapters.slack.test_slack_approvals import _posts_to, _wait_for_post
from tests.adapters.teams.test_teams_notification_line import propose as propose_on_teams
from tests.fakes.fake_connector import FakeConnector
from tests.fakes.fake_slack import SIGNING_SECRET, TOKEN, FakeSlack
from tests.fakes.settle import server_settled
from tests.fakes.slack_harness import SlackDriver, all_text
from tests.fakes.teams_harness import SAM, TeamsDriver, action_titled, card_text

ASHA_TEAMS = "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c05"


@dataclass
class Recording:
    platform: str
    sent: list[tuple[str, Outbound]] = field(default_factory=list)

    def can_reach(self, person: Person) -> bool:
        return person.platform_id(self.platform) is not None

    async def send(
        self, person: Person, message: Outbound, *, dedupe_key: str, maybe_sent: bool = False
    ) -> None:
        self.sent.append((person.id, message))

    async def post_to_channel(self, channel: str, message: Outbound) -> None:
        raise AssertionError("no channel posts here")

    async def settle(self) -> None:
        return None


async def _prompt(engine: Engine, org: Organisation, clock: FixedClock) -> dict[str, list[str]]:
    slack, teams = Recording("slack"), Recording("teams")
    async with UnitOfWork(engine.database) as uow:
        await enqueue(
            uow,
            person_id="asha",
            payload=dump_outbound(Text("What went the extra mile this week?")),
            now=clock.now(),
            dedupe_key="prompt:asha",
        )
        await uow.commit()
    dispatcher = Dispatcher(
        database=engine.database, org=org, messengers={"slack": slack, "teams": teams}, clock=clock
    )
    await dispatcher.run_once()
    return {m.platform: [who for who, _ in m.sent] for m in (slack, teams)}


async def test_who_wrote_on_teams_gets_the_next_prompt_on_teams_only(
    engine: Engine, org: Organisation, clock: FixedClock
) -> None:
    reference = {"conversation": {"id": "a:asha"}, "serviceUrl": "https://smba.example/"}
    await engine.handle(
        TextMessage(Sender("teams", ASHA_TEAMS), "help", "teams:1", Address(reference))
    )
    assert await _prompt(engine, org, clock) == {"slack": [], "teams": ["asha"]}


async def test_who_never_wrote_gets_it_on_both(
    engine: Engine, org: Organisation, clock: FixedClock
) -> None:
    assert await _prompt(engine, org, clock) == {"slack": ["asha"], "teams": ["asha"]}


async def test_who_moves_back_to_slack_gets_it_on_slack(
    engine: Engine, org: Organisation, clock: FixedClock
) -> None:
    teams_ref = {"conversation": {"id": "a:asha"}, "serviceUrl": "https://smba.example/"}
    await engine.handle(TextMessage(Sender("teams", ASHA_TEAMS), "help", "t:1", Address(teams_ref)))
    await engine.handle(
        TextMessage(Sender("slack", "U0ASHA01"), "help", "s:1", Address({"channel": "D0ASHA01"}))
    )
    await engine.handle(
        TextMessage(Sender("slack", "U0ASHA01"), "mine", "s:2", Address({"channel": "D0ASHA01"}))
    )
    assert await _prompt(engine, org, clock) == {"slack": ["asha"], "teams": []}


# --- every copy of a card shows its new state (issue 16) ------------------------------------


@pytest.fixture
async def both(
    tmp_path: Path,
    fake_slack: FakeSlack,
    fake_connector: FakeConnector,
    aiohttp_client: AiohttpClient,
) -> tuple[SlackDriver, TeamsDriver]:
    """One server on Slack and Teams at once: the fake Slack and the fake connector."""
    from app.server import create_app

    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'both.db'}",
        org_file=EXAMPLE_ORG_FILE,
        slack_bot_token=TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=fake_slack.api_url,
        teams_emulator=True,
    )
    client = await aiohttp_client(create_app(settings))
    return SlackDriver(client=client, fake=fake_slack), TeamsDriver(
        client=client, connector=fake_connector
    )


def _slack_updated(slack: SlackDriver, channel: str, ts: str, text: str) -> bool:
    return any(
        u.params.get("channel") == channel
        and u.params.get("ts") == ts
        and text in all_text(u.params.get("blocks") or [])
        for u in slack.fake.of("chat.update")
    )


async def test_approved_on_teams_the_slack_copy_shows_it_too(
    both: tuple[SlackDriver, TeamsDriver],
) -> None:
    slack, teams = both
    on_teams = await propose_on_teams(teams)  # Sam has never written: a copy on each
    on_slack = await _wait_for_post(slack, "D0SAM001", "Asha asks to spend £18 and 10 min")
    assert "Approve" in all_text(on_slack["blocks"])
    response = await teams.execute(SAM, action_titled(on_teams, "Approve"))
    assert "✅ Approved by Sam Okafor" in card_text((await response.json())["value"])
    await slack.fake.wait_until(
        lambda: _slack_updated(slack, "D0SAM001", on_slack["ts"], "✅ Approved by Sam Okafor")
    )
    [update] = [u for u in slack.fake.of("chat.update") if u.params.get("ts") == on_slack["ts"]]
    assert not [b for b in update.params["blocks"] if b["type"] == "actions"]  # no live buttons
    await server_settled(slack.client.server.app)
    # Updated in place: no second card on Slack.
    posts = [p for p in _posts_to(slack, "D0SAM001") if "asks to spend" in all_text(p["blocks"])]
    assert len(posts) == 1


async def test_approved_on_slack_the_teams_copy_shows_it_too(
    both: tuple[SlackDriver, TeamsDriver],
) -> None:
    slack, teams = both
    await propose_on_teams(teams)
    on_slack = await _wait_for_post(slack, "D0SAM001", "Asha asks to spend £18 and 10 min")
    await slack.click("U0SAM001", on_slack, "Approve", channel="D0SAM001")

    def teams_copy_replaced() -> bool:
        return any(
            "✅ Approved by Sam Okafor" in card_text(card) and "actions" not in card
            for call in teams.connector.calls
            if call.verb == "PUT" and SAM["aadObjectId"] in call.conversation_id
            for card in teams.connector.cards(call)
        )

    await teams.connector.wait_until(teams_copy_replaced)
