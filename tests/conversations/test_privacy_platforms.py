"""The portfolio in Slack (uploaded) and Teams (a signed, expiring link); the privacy CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from adapters.state import LINKS
from tests.fakes.slack_harness import SlackDriver
from tests.fakes.teams_harness import ASHA, TeamsDriver, action_titled, assert_valid_card


async def test_slack_portfolio_is_uploaded_to_the_dm(slack: SlackDriver) -> None:
    await slack.command("U0ASHA01", "portfolio")
    [complete] = await slack.fake.wait_for("files.completeUploadExternal")
    assert complete.params["channel_id"] == "D0ASHA01"
    [ask] = slack.fake.of("files.getUploadURLExternal")
    assert ask.params["filename"] == "portfolio-asha.pdf"
    [pdf] = slack.fake.uploads.values()
    assert pdf.startswith(b"%PDF")


async def test_teams_portfolio_is_a_signed_expiring_link(teams: TeamsDriver) -> None:
    await teams.say(ASHA, "portfolio")
    await teams.connector.wait_for_sent()
    card = teams.last_card()
    assert_valid_card(card)
    url = action_titled(card, "Open the PDF")["url"]
    path = "/" + url.split("/", 3)[3]
    response = await teams.client.get(path)
    assert response.status == 200 and response.content_type == "application/pdf"
    assert (await response.read()).startswith(b"%PDF")
    tampered = path[:-3] + ("AAA" if not path.endswith("AAA") else "BBB")
    assert (await teams.client.get(tampered)).status == 404
    signer = teams.client.server.app[LINKS]
    expired = signer.token("asha", now=0)
    assert (await teams.client.get(f"/files/{expired}")).status == 404


def _cli(*args: str, database: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "EXTRAMILE_DATABASE_URL": f"sqlite:///{database}"}
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


def test_export_erase_and_audit_from_the_command_line(tmp_path: Path) -> None:
    database = tmp_path / "privacy.db"
    out = tmp_path / "asha.json"
    result = _cli("export-person", "asha", "--out", str(out), database=database)
    assert result.returncode == 0, result.stderr
    data = json.loads(out.read_text())
    assert data["person"][0]["name"] == "Asha Patel"
    assert {i["platform"] for i in data["platform_identities"]} == {"slack", "teams"}
    refused = _cli("erase-person", "asha", database=database)  # no --yes, no terminal
    assert refused.returncode != 0
    result = _cli("erase-person", "asha", "--yes", database=database)
    assert result.returncode == 0 and "their figures remain as erased-" in result.stdout
    log = _cli("audit", "--since", "2020-01-01", database=database)
    assert "person.exported" in log.stdout and "person.erased" in log.stdout
    assert "asha" not in log.stdout.replace("erased-", "")
    pdf = tmp_path / "tom.pdf"
    assert _cli("portfolio", "tom", "--out", str(pdf), database=database).returncode == 0
    assert pdf.read_bytes().startswith(b"%PDF")


async def test_my_data_in_teams_is_a_json_link(teams: TeamsDriver) -> None:
    await teams.say(ASHA, "my data")
    await teams.connector.wait_for_sent()
    url = action_titled(teams.last_card(), "Open the JSON")["url"]
    response = await teams.client.get("/" + url.split("/", 3)[3])
    assert response.status == 200
    data = await response.json()
    assert data["person"][0]["id"] == "asha"
