"""Issue 16: criteria codes belong in the portfolio and in a learner's own view. A
learner's `mine` says, in a short line per action, which criteria its evidence meets (the
portfolio's own reckoning); for anyone else `mine` still shows no codes."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from bot.context import Scene
from bot.domain.actions import ActionStatus
from bot.engine import Engine
from bot.messages import Card
from bot.reports.portfolio import build_portfolio
from storage.actions import add_action
from storage.uow import UnitOfWork
from tests.conftest import NOW
from tests.conversations.test_nominations import deed
from tests.conversations.test_plain_words import CODES
from tests.fakes.chat import Chat

DONE = deed(date(2026, 11, 19), "Carried her shopping to the car in the rain")
IDEA = replace(
    deed(date(2026, 11, 20), "Offer to deliver the sofa cushions tonight"),
    status=ActionStatus.PROPOSED,
    offer_item_id="not-covered",
    customer_aware=None,
    result="",
)


def as_learner(engine: Engine, person: str) -> Engine:
    people = [p.model_copy(update={"learner": p.id == person}) for p in engine.org.people]
    org = engine.org.model_copy(update={"people": people})
    return Engine(org=org, database=engine.database, clock=engine.clock)


async def _seed(engine: Engine, person: str) -> None:
    async with UnitOfWork(engine.database) as uow:
        for action in (DONE, IDEA):
            await add_action(uow, person, action)
        await uow.commit()


async def _portfolio_criteria(engine: Engine, person: str) -> dict[str, tuple[str, ...]]:
    async with UnitOfWork(engine.database) as uow:
        scene = Scene(org=engine.org, uow=uow, now=NOW, today=NOW.date())
        learner = engine.org.person(person)
        assert learner is not None
        portfolio = await build_portfolio(scene, learner)
    return {star.action: star.criteria for star in portfolio.stars}


async def test_a_learners_mine_shows_the_criteria_each_action_meets(engine: Engine) -> None:
    learning = as_learner(engine, "asha")
    await _seed(learning, "asha")
    replies = await Chat(learning, "asha").send_text("mine")
    [card] = [r for r in replies if isinstance(r, Card)]
    lines = {f.value.splitlines()[0]: f.value.splitlines()[1:] for f in card.fields}
    done = next(rest for first, rest in lines.items() if DONE.extra in first)
    idea = next(rest for first, rest in lines.items() if IDEA.extra in first)
    # Issue 19: a picked offer item and a need alone claim no P1-P3 (the learner's own
    # words do); an idea not yet checked or carried out claims the extra chosen only.
    assert "Evidence for P4, P5, P10, P11" in done
    assert "Evidence for P4, P5" in idea
    # The portfolio's own reckoning, action by action.
    for extra, criteria in (await _portfolio_criteria(learning, "asha")).items():
        [rest] = [rest for first, rest in lines.items() if extra in first]
        assert f"Evidence for {', '.join(criteria)}" in rest, (extra, rest)


async def test_no_codes_in_mine_for_someone_who_is_not_a_learner(engine: Engine) -> None:
    learning = as_learner(engine, "asha")
    await _seed(learning, "ben")
    mine = await Chat(learning, "ben").say("mine")
    assert "Carried her shopping to the car" in mine
    assert not CODES.search(mine), mine
