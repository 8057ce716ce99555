"""A Slack blip while logging loses nothing: the modal's answer is saved and its card
reaches the person once Slack answers again (issue 16: the answer was lost when
chat.postMessage failed for a few seconds, and the person was not told).

Since the deed form saves on submit (issue 16, one screen), what must arrive after the
blip is the saved card with its one-tap details, where the review card used to be."""

from __future__ import annotations

from sqlmodel import select

from bot.settings import Settings
from storage.database import open_database
from storage.tables import ActionRow
from storage.uow import UnitOfWork
from tests.fakes.fake_slack import Call
from tests.fakes.slack_harness import SlackDriver, all_text

ASHA = "U0ASHA01"


async def _actions(settings: Settings) -> list[ActionRow]:
    database = open_database(settings.database_url)
    try:
        async with UnitOfWork(database) as uow:
            return list((await uow.session.exec(select(ActionRow))).all())
    finally:
        await database.close()


async def test_the_saved_card_arrives_after_slack_fails_for_a_while(
    slack: SlackDriver, slack_settings: Settings
) -> None:
    assert (await slack.command(ASHA, "")).status == 200
    [opened] = await slack.fake.wait_for("views.open")
    slack.fake.fail("chat.postMessage", status=500, times=2)  # Slack down for a moment

    response = await slack.submit_view(
        ASHA,
        opened.params["view"],
        {
            "occurred_on": "2026-11-20",
            "customer_need": "Needed a heavy TV carried",
            "extra": "Carried it and strapped it in",
            "result": "She was delighted",
        },
    )
    assert response.status == 200
    assert await response.text() == ""  # the modal closes: saved on submit

    def saved_cards() -> list[Call]:
        return [
            call
            for call in slack.fake.of("chat.postMessage")
            if call.response.get("ok")
            and "Saved: your 1st extra-mile action" in all_text(call.params["blocks"])
        ]

    await slack.fake.wait_until(lambda: len(saved_cards()) >= 1, within=20)
    failed = [c for c in slack.fake.of("chat.postMessage") if not c.response.get("ok")]
    assert len(failed) == 2  # the blip happened, and the card came through after it
    assert len(saved_cards()) == 1
    [card] = saved_cards()
    assert "What was the situation?" in all_text(card.params["blocks"])
    [action] = await _actions(slack_settings)  # saved once, the blip or not
    assert action.extra == "Carried it and strapped it in"
