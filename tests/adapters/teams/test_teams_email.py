"""People given by e-mail: their Teams ids come from the roster when the app is installed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from adapters.state import RUNTIME
from bot.settings import EXAMPLE_ORG_FILE, Settings
from tests.fakes.teams_harness import BOT, SAM, TENANT, TeamsDriver, card_text

NINA = {
    "id": "29:1nina-teams-id",
    "name": "Nina Brooks",
    "aadObjectId": "9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c01",
}
OMAR = {
    "id": "29:1omar-teams-id",
    "name": "Omar Aziz",
    "aadObjectId": "9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c02",
}
EXTRA = (
    "  - {id: nina, name: Nina Brooks, role: staff, supervisor: sam,"
    " email: nina@riverside.example}\n"
    "  - {id: omar, name: Omar Aziz, role: staff, supervisor: sam,"
    " email: omar@riverside.example}\n"
)


@pytest.fixture
def teams_settings(tmp_path: Path) -> Settings:
    org_file = tmp_path / "org.yml"
    org_file.write_text(EXAMPLE_ORG_FILE.read_text(encoding="utf-8") + EXTRA, encoding="utf-8")
    return Settings(
        database_url=f"sqlite:///{tmp_path / 'teams.db'}",
        org_file=org_file,
        teams_emulator=True,
    )


def _install(teams: TeamsDriver) -> dict[str, Any]:
    return teams.activity(
        SAM,
        type="conversationUpdate",
        membersAdded=[BOT],
        conversation={
            "conversationType": "channel",
            "tenantId": TENANT,
            "id": "19:team-general@thread.tacv2",
            "isGroup": True,
        },
        channelData={
            "tenant": {"id": TENANT},
            "eventType": "teamMemberAdded",
            "team": {"id": "19:team-general@thread.tacv2", "name": "Shop floor"},
        },
    )


async def test_the_roster_finds_people_by_email_and_userprincipalname(
    teams: TeamsDriver,
) -> None:
    teams.connector.team_members = [
        {**NINA, "email": "Nina@Riverside.example", "tenantId": TENANT},
        {**OMAR, "userPrincipalName": "omar@riverside.example", "tenantId": TENANT},
    ]
    response = await teams.post(_install(teams))
    assert response.status in (200, 201)
    creates = [c for c in teams.connector.calls if c.path == "/v3/conversations"]
    assert [c.body["members"][0]["id"] for c in creates] == [NINA["id"], OMAR["id"]]
    welcomes = await teams.connector.wait_for_sent(2)
    assert "Hi Nina" in card_text(teams.connector.cards(welcomes[0])[0])
    org = teams.client.app[RUNTIME].org
    assert org.only_by_email() == []
    found = org.person_on("teams", NINA["aadObjectId"])
    assert found is not None and found.id == "nina"


async def test_someone_found_in_the_roster_is_recognised_when_they_write(
    teams: TeamsDriver,
) -> None:
    teams.connector.team_members = [{**NINA, "email": "nina@riverside.example"}]
    await teams.post(_install(teams))
    await teams.connector.wait_for_sent(1)
    await teams.say(NINA, "help")
    sent = await teams.connector.wait_for_sent(2)
    said = str(sent[-1].body)
    assert "don't know you yet" not in said
    assert "What I can do" in said
