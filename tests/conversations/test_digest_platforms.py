"""The digest's chart on each platform: Slack's external upload flow; inline in Teams."""

from __future__ import annotations

from tests.fakes.slack_harness import SlackDriver, all_text
from tests.fakes.teams_harness import TeamsDriver, assert_valid_card, card_text


async def test_slack_digest_uploads_the_chart_with_the_external_flow(slack: SlackDriver) -> None:
    await slack.command("U0MARIA1", "digest")
    [card] = await slack.fake.wait_for("chat.postMessage")
    assert "Your week, Maria" in all_text(card.params["blocks"])
    [ask] = await slack.fake.wait_for("files.getUploadURLExternal")
    assert ask.params["filename"] == "extramile-trend.png"
    [complete] = await slack.fake.wait_for("files.completeUploadExternal")
    assert complete.params["channel_id"] == "D0MARIA1"
    [file_id] = slack.fake.uploads
    assert slack.fake.uploads[file_id].startswith(b"\x89PNG")
    assert "Actions per week" in str(ask.params.get("alt_txt", ""))


async def test_teams_digest_shows_the_chart_inline(teams: TeamsDriver) -> None:
    maria = {
        "id": "29:1maria",
        "name": "Maria Lopez",
        "aadObjectId": "2b1c7f9e-0d4a-4a57-9b1e-6f3d2a8c4e01",
    }
    await teams.say(maria, "digest")
    await teams.connector.wait_for_sent()
    card = teams.last_card()
    assert_valid_card(card)
    [image] = [e for e in card["body"] if e["type"] == "Image"]
    assert image["url"].startswith("data:image/png;base64,iVBORw0KGgo")
    assert "Actions per week" in image["altText"]
    assert "Your week, Maria" in card_text(card)
