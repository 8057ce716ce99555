"""People given by e-mail only: found on Slack with users.lookupByEmail at start-up."""

from __future__ import annotations

from pathlib import Path

from aiohttp.test_utils import TestClient

from bot.settings import EXAMPLE_ORG_FILE, Settings
from tests.fakes.fake_slack import SIGNING_SECRET, TOKEN, FakeSlack
from tests.fakes.slack_harness import SlackDriver, all_text

NEWBIE = "U0NEWBIE1"
EXTRA = (
    "  - {id: nina, name: Nina Brooks, role: staff, supervisor: sam,"
    " email: nina@riverside.example}\n"
    "  - {id: omar, name: Omar Aziz, role: staff, supervisor: sam,"
    " email: omar@riverside.example}\n"
)


def email_org(tmp_path: Path) -> Path:
    path = tmp_path / "org.yml"
    path.write_text(EXAMPLE_ORG_FILE.read_text(encoding="utf-8") + EXTRA, encoding="utf-8")
    return path


async def test_the_fake_answers_lookup_by_email(fake_slack: FakeSlack) -> None:
    from slack_sdk.errors import SlackApiError
    from slack_sdk.web.async_client import AsyncWebClient

    fake_slack.emails["nina@riverside.example"] = NEWBIE
    client = AsyncWebClient(token=TOKEN, base_url=fake_slack.api_url)
    found = await client.users_lookupByEmail(email="nina@riverside.example")
    assert found["user"]["id"] == NEWBIE
    try:
        await client.users_lookupByEmail(email="nobody@riverside.example")
    except SlackApiError as error:
        assert error.response["error"] == "users_not_found"
    else:
        raise AssertionError("an unknown e-mail must be refused")


async def test_a_person_given_by_email_is_recognised_on_slack(
    tmp_path: Path, fake_slack: FakeSlack, aiohttp_client: object
) -> None:
    from app.server import create_app

    fake_slack.emails["nina@riverside.example"] = NEWBIE
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'slack.db'}",
        org_file=email_org(tmp_path),
        slack_bot_token=TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=fake_slack.api_url,
    )
    client: TestClient = await aiohttp_client(create_app(settings))  # type: ignore[operator]
    slack = SlackDriver(client=client, fake=fake_slack)
    assert [c.params["email"] for c in fake_slack.of("users.lookupByEmail")] == [
        "nina@riverside.example",
        "omar@riverside.example",
    ]
    await slack.dm(NEWBIE, "help")
    [reply] = await fake_slack.wait_for("chat.postMessage")
    text = all_text(reply.params.get("blocks") or []) + str(reply.params.get("text"))
    assert "I don't know you yet" not in text
    assert "What I can do" in text


async def test_an_id_found_by_email_is_remembered_across_restarts(
    tmp_path: Path, fake_slack: FakeSlack
) -> None:
    from app.runtime import start_runtime

    fake_slack.emails["nina@riverside.example"] = NEWBIE
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'slack.db'}",
        org_file=email_org(tmp_path),
        slack_bot_token=TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=fake_slack.api_url,
    )
    from slack_sdk.web.async_client import AsyncWebClient

    from adapters.slack.emails import resolve_by_email

    runtime = await start_runtime(settings)
    try:
        await resolve_by_email(
            AsyncWebClient(token=TOKEN, base_url=fake_slack.api_url), runtime.engine
        )
    finally:
        await runtime.close()
    again = await start_runtime(settings)
    try:
        found = again.org.person_on("slack", NEWBIE)
        assert found is not None and found.id == "nina"
        assert [p.id for p in again.org.only_by_email()] == ["omar"]
    finally:
        await again.close()
