"""Which practice is this? in Teams (issue 17), through the real Bot Framework handler:
the three buttons, "Another practice…" as an Input.ChoiceSet card, "It's something new",
and refused clicks (someone else's, a repeat) changing nothing. Every card validates
against the Adaptive Card 1.5 schema."""

from __future__ import annotations

from typing import Any

from aiohttp import ClientResponse
from sqlmodel import select

from adapters.state import RUNTIME
from storage.database import Database
from storage.practice_labels import PracticeLabelRow
from storage.tables import ActionRow, PracticeRow
from storage.uow import UnitOfWork
from tests.adapters.teams.test_teams_approvals import _card_sent
from tests.conversations.test_practice_choice import ANOTHER, CARRY, NEW, seed_three
from tests.fakes import deeds
from tests.fakes.teams_harness import (
    ASHA,
    SAM,
    TeamsDriver,
    action_titled,
    assert_valid_card,
    card_text,
    form_inputs,
)

TAXI = "Called a taxi for an elderly customer"
UMBRELLA = "Lent an umbrella in the rain"


def _database(teams: TeamsDriver) -> Database:
    return teams.client.server.app[RUNTIME].database  # type: ignore[no-any-return]


async def _log(teams: TeamsDriver, extra: str) -> dict[str, Any]:
    """Asha logs a deed with the form card (saved on submit): the practice card she gets."""
    await teams.say(ASHA, "log")
    await teams.connector.wait_for_sent()
    form = teams.last_card()
    await teams.execute(ASHA, action_titled(form, "Save"), deeds.DEED | {"extra": extra})
    _, card = await _card_sent(teams, ASHA["id"], ANOTHER)
    assert_valid_card(card)
    return card


async def _answer(response: ClientResponse) -> str:
    body = await response.json()
    value = body.get("value")
    return card_text(value) if isinstance(value, dict) else str(value)


async def _state(teams: TeamsDriver) -> tuple[object, ...]:
    async with UnitOfWork(_database(teams)) as uow:
        placed = (await uow.session.exec(select(ActionRow.id, ActionRow.practice_id))).all()
        practices = (await uow.session.exec(select(PracticeRow.id))).all()
        labels = (await uow.session.exec(select(PracticeLabelRow.action_id))).all()
    return sorted(placed), sorted(practices), sorted(labels)


async def _placed(teams: TeamsDriver) -> int | None:
    async with UnitOfWork(_database(teams)) as uow:
        asha = (
            await uow.session.exec(select(ActionRow).where(ActionRow.person_id == "asha"))
        ).one()
    return asha.practice_id


def _titles(card: dict[str, Any]) -> list[str]:
    return [a["title"] for a in card.get("actions", [])]


async def test_pick_from_the_three_buttons_in_teams(teams: TeamsDriver) -> None:
    ids = await seed_three(_database(teams))
    card = await _log(teams, "carried her heavy shopping bags out to the car")
    titles = _titles(card)
    assert titles[0] == CARRY and titles[-2:] == [ANOTHER, NEW]
    response = await teams.execute(ASHA, action_titled(card, CARRY))
    assert response.status == 200
    assert await _placed(teams) == ids[CARRY]


async def test_pick_from_the_choice_set_in_teams(teams: TeamsDriver) -> None:
    ids = await seed_three(_database(teams))
    card = await _log(teams, "Phoned for a taxi for an old gentleman and waited with him")
    response = await teams.execute(ASHA, action_titled(card, ANOTHER))
    form = (await response.json())["value"]
    assert_valid_card(form)
    choice = form_inputs(form)["practice"]
    assert choice["type"] == "Input.ChoiceSet"
    titles = [c["title"] for c in choice["choices"]]
    assert titles[0] == TAXI and len(titles) == 4 and "something new" in titles[-1]
    response = await teams.execute(
        ASHA, action_titled(form, "Choose"), {"practice": str(ids[UMBRELLA])}
    )
    assert response.status == 200
    assert await _placed(teams) == ids[UMBRELLA]


async def test_something_new_in_teams_and_refused_clicks_change_nothing(
    teams: TeamsDriver,
) -> None:
    await seed_three(_database(teams))
    card = await _log(teams, "Gift wrapped a present for free for his granddaughter")
    assert _titles(card) == [ANOTHER, NEW]  # nothing alike: still the person's choice
    before = await _state(teams)
    refused = await teams.execute(SAM, action_titled(card, NEW))  # not Sam's action
    assert "for the person who logged the action" in await _answer(refused)
    refused = await teams.execute(SAM, action_titled(card, ANOTHER))
    assert "for the person who logged the action" in await _answer(refused)
    assert await _state(teams) == before
    response = await teams.execute(ASHA, action_titled(card, NEW))
    assert response.status == 200
    after = await _state(teams)
    assert after != before and await _placed(teams) is not None
    again = await teams.execute(ASHA, action_titled(card, NEW))  # a repeat, a new click
    assert "recorded already" in await _answer(again)
    assert await _state(teams) == after
