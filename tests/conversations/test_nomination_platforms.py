"""Adopt on Slack and Dismiss on Teams, end to end through the real SDKs."""

from __future__ import annotations

from datetime import UTC, datetime

from adapters.state import RUNTIME
from app.jobs import run_job
from tests.adapters.slack.test_slack_approvals import _wait_for_post
from tests.adapters.teams.test_teams_approvals import _card_sent
from tests.conversations.test_nominations import ENOUGH, seed_practice
from tests.fakes.slack_harness import SlackDriver, all_text
from tests.fakes.teams_harness import TeamsDriver, action_titled, assert_valid_card, card_text

MARIA = {
    "id": "29:1maria",
    "name": "Maria Lopez",
    "aadObjectId": "2b1c7f9e-0d4a-4a57-9b1e-6f3d2a8c4e01",
}


async def _nominate(app: object) -> None:
    runtime = app[RUNTIME]  # type: ignore[index]
    await seed_practice(runtime.database, ENOUGH)
    report = await run_job(
        "nominations", org=runtime.org, database=runtime.database, at=datetime.now(UTC)
    )
    assert report == "nominated 1"


async def test_adopt_on_slack(slack: SlackDriver) -> None:
    await _nominate(slack.client.server.app)
    card = await _wait_for_post(slack, "D0MARIA1", "Nominated for the routine offer")
    assert "3 times, for 2 people, over 2 weeks" in all_text(card["blocks"])
    await slack.click("U0MARIA1", card, "Adopt", channel="D0MARIA1")
    [opened] = await slack.fake.wait_for("views.open")
    await slack.submit_view(
        "U0MARIA1", opened.params["view"], {"wording": "Help to the car with heavy shopping"}
    )
    await slack.fake.wait_until(
        lambda: any(
            "✅ Adopted by Maria Lopez" in all_text(u.params["blocks"])
            for u in slack.fake.of("chat.update")
        )
    )
    thanks = await _wait_for_post(slack, "D0ASHA01", "now part of our routine offer")
    assert "Help to the car with heavy shopping" in all_text(thanks["blocks"])
    await slack.command("U0BEN001", "offer heavy")
    offer = await _wait_for_post(slack, "D0BEN001", "our routine service offer")
    assert "adopted" in all_text(offer["blocks"])


async def test_dismiss_on_teams(teams: TeamsDriver) -> None:
    await teams.say(MARIA, "hello")  # the bot learns where Maria is
    await teams.connector.wait_for_sent()
    await _nominate(teams.client.server.app)
    _, card = await _card_sent(teams, MARIA["id"], "Nominated for the routine offer")
    assert_valid_card(card)
    response = await teams.execute(MARIA, action_titled(card, "Dismiss"))
    form = (await response.json())["value"]
    assert "Dismiss the nomination" in card_text(form)
    response = await teams.execute(
        MARIA, action_titled(form, "Dismiss"), {"reason": "Not safe with trolleys"}
    )
    decided = (await response.json())["value"]
    assert_valid_card(decided)
    assert "❌ Dismissed by Maria Lopez: Not safe with trolleys" in card_text(decided)
