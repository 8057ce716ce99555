"""Someone with both a Slack and a Teams id gets messages where they last talked to
the bot, or on every platform they have an id for until they have talked to it."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.clock import FixedClock
from bot.delivery.codec import dump_outbound
from bot.delivery.dispatcher import Dispatcher
from bot.domain.org import Organisation, Person
from bot.engine import Engine
from bot.messages import Address, Outbound, Sender, Text, TextMessage
from storage.outbox import enqueue
from storage.uow import UnitOfWork

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
