"""Which practice is this? on Slack (issue 17), through the real bolt app: the three
buttons, "Another practice…" as a modal with a static_select, "It's something new", and
clicks that are refused (someone else's, a repeat) changing nothing."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View
from sqlmodel import select

import storage.action_vectors
from adapters.state import RUNTIME
from storage.database import Database
from storage.practice_labels import PracticeLabelRow
from storage.tables import ActionRow, PracticeRow
from storage.uow import UnitOfWork
from tests.adapters.slack.test_slack_approvals import _wait_for_post
from tests.conversations.test_nominations import MONDAY, seed_practice
from tests.conversations.test_practice_choice import ANOTHER, CARRY, NEW, seed_three
from tests.fakes import deeds
from tests.fakes.slack_harness import SlackDriver, all_text

ASHA, TOM, DM = "U0ASHA01", "U0TOM001", "D0ASHA01"
TAXI = "Called a taxi for an elderly customer"


def _database(slack: SlackDriver) -> Database:
    return slack.client.server.app[RUNTIME].database  # type: ignore[no-any-return]


async def _log(slack: SlackDriver, extra: str) -> dict[str, Any]:
    """Asha logs a deed through the modal (saved on submit): the practice card she gets."""
    opened_before = len(slack.fake.of("views.open"))
    await slack.command(ASHA, "")
    opened = (await slack.fake.wait_for("views.open", opened_before + 1))[-1]
    await slack.submit_view(ASHA, opened.params["view"], deeds.DEED | {"extra": extra})
    return await _wait_for_post(slack, DM, ANOTHER)  # the practice card, whatever its title


def _buttons(post: dict[str, Any]) -> list[str]:
    """The practice card's buttons (the post may hold the Saved card before it)."""
    start = max(
        i
        for i, b in enumerate(post["blocks"])
        if "one of these?" in all_text([b]) or "done this before?" in all_text([b])
    )
    return [
        e["text"]["text"]
        for b in post["blocks"][start:]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["type"] == "button"
    ]


async def _state(slack: SlackDriver) -> tuple[object, ...]:
    async with UnitOfWork(_database(slack)) as uow:
        placed = (await uow.session.exec(select(ActionRow.id, ActionRow.practice_id))).all()
        practices = (await uow.session.exec(select(PracticeRow.id))).all()
        labels = (await uow.session.exec(select(PracticeLabelRow.action_id))).all()
    return sorted(placed), sorted(practices), sorted(labels)


async def _placed(slack: SlackDriver) -> int | None:
    async with UnitOfWork(_database(slack)) as uow:
        asha = (
            await uow.session.exec(select(ActionRow).where(ActionRow.person_id == "asha"))
        ).one()
    return asha.practice_id


async def test_pick_from_the_three_buttons_on_slack(slack: SlackDriver) -> None:
    ids = await seed_three(_database(slack))
    card = await _log(slack, "carried her heavy shopping bags out to the car")
    for block in Block.parse_all(card["blocks"]):
        block.to_dict()  # slack_sdk validates each block
    buttons = _buttons(card)
    assert buttons[0] == CARRY and buttons[-2:] == [ANOTHER, NEW]
    await slack.click(ASHA, card, CARRY)
    await _wait_for_post(slack, DM, "noted as the same kind")
    assert await _placed(slack) == ids[CARRY]


async def test_pick_from_the_select_in_a_modal_on_slack(slack: SlackDriver) -> None:
    ids = await seed_three(_database(slack))
    await seed_practice(_database(slack), [("tom", MONDAY)], title="Found a lost dog's owner")
    card = await _log(slack, "Phoned for a taxi for an old gentleman and waited with him")
    before = len(slack.fake.of("views.open"))
    await slack.click(ASHA, card, ANOTHER)
    view = (await slack.fake.wait_for("views.open", before + 1))[-1].params["view"]
    View(**view).validate_json()
    [select_block] = [b for b in view["blocks"] if b["type"] == "input"]
    options = [o["text"]["text"] for o in select_block["element"]["options"]]
    assert select_block["element"]["type"] == "static_select"
    assert options[0] == TAXI and len(options) == 5 and "something new" in options[-1]
    response = await slack.submit_view(
        ASHA, view, {"practice": str(ids["Lent an umbrella in the rain"])}
    )
    assert response.status == 200
    await _wait_for_post(slack, DM, "noted as the same kind")
    assert await _placed(slack) == ids["Lent an umbrella in the rain"]


async def test_something_new_on_slack_and_refused_clicks_change_nothing(
    slack: SlackDriver,
) -> None:
    await seed_three(_database(slack))
    card = await _log(slack, "Gift wrapped a present for free for his granddaughter")
    assert _buttons(card) == [ANOTHER, NEW]  # nothing alike: still the person's choice
    assert await _placed(slack) is None
    before = await _state(slack)
    await slack.click(TOM, card, NEW, channel=DM)  # not Tom's action
    await slack.fake.wait_until(
        lambda: any(
            "for the person who logged the action" in str(c.params)
            for c in slack.fake.of("chat.postEphemeral")
        )
    )
    assert await _state(slack) == before
    await slack.click(ASHA, card, NEW)
    await _wait_for_post(slack, DM, "noted as a new kind")
    after = await _state(slack)
    assert after != before and await _placed(slack) is not None
    await slack.click(ASHA, card, CARRY if CARRY in _buttons(card) else NEW)  # a repeat
    await slack.fake.wait_until(
        lambda: any("recorded already" in str(c.params) for c in slack.fake.calls)
    )
    assert await _state(slack) == after
    assert "recorded already" not in all_text(card["blocks"])


async def test_the_save_is_answered_before_the_practices_are_ranked(
    slack: SlackDriver, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Working out a deed's embedding (tens of milliseconds of CPU) happens after the
    save is answered: the modal closes at once, and the practice question follows."""
    await seed_three(_database(slack))
    embedding_may_finish = threading.Event()
    embed = storage.action_vectors.embedding.embed

    def held_embed(text: str) -> bytes | None:
        embedding_may_finish.wait(30)  # in the embedding thread, for as long as the test says
        return embed(text)

    monkeypatch.setattr(storage.action_vectors.embedding, "embed", held_embed)
    opened_before = len(slack.fake.of("views.open"))
    await slack.command(ASHA, "")
    opened = (await slack.fake.wait_for("views.open", opened_before + 1))[-1]
    try:
        answer = await asyncio.wait_for(
            slack.submit_view(ASHA, opened.params["view"], deeds.DEED | {"extra": TAXI}), 10
        )
        assert answer.status == 200  # the modal closes: saved, while the ranking waits
        saved = await _wait_for_post(slack, DM, "Saved")
        assert ANOTHER not in all_text(saved["blocks"])
    finally:
        embedding_may_finish.set()
    question = await _wait_for_post(slack, DM, ANOTHER)
    assert NEW in _buttons(question)
