"""Teams: messages to someone else through the outbox; team installs; who cannot be reached."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlmodel import select

from adapters.state import RUNTIME
from bot.delivery.codec import dump_outbound
from bot.messages import Button, Card, Text
from storage.database import Database, utc_now
from storage.outbox import enqueue
from storage.tables import ConversationRefRow, OutboxRow
from storage.uow import UnitOfWork
from tests.fakes.teams_harness import (
    ASHA,
    BOT,
    SAM,
    TENANT,
    TeamsDriver,
    assert_valid_card,
    card_text,
)


def _database(teams: TeamsDriver) -> Database:
    return teams.client.server.app[RUNTIME].database


async def _queue(database: Database, person: str, message: Text | Card) -> None:
    async with UnitOfWork(database) as uow:
        await enqueue(uow, person_id=person, payload=dump_outbound(message), now=utc_now())
        await uow.commit()


async def _outbox(database: Database) -> list[OutboxRow]:
    async with UnitOfWork(database) as uow:
        return list((await uow.session.exec(select(OutboxRow))).all())


async def _settled(database: Database, within: float = 5.0) -> list[OutboxRow]:
    """The outbox once the running dispatcher has finished with every message."""
    async with asyncio.timeout(within):
        while True:
            rows = await _outbox(database)
            if rows and all(r.status != "pending" for r in rows):
                return rows
            await asyncio.sleep(0.05)


async def test_a_message_to_someone_who_talked_to_the_bot_continues_their_chat(
    teams: TeamsDriver,
) -> None:
    await teams.say(ASHA, "hello")
    await teams.connector.wait_for_sent()
    card = Card(title="Sam approved your idea", buttons=(Button("My actions", "menu.mine"),))
    await _queue(_database(teams), "asha", card)
    [_, proactive] = await teams.connector.wait_for_sent(2)
    assert proactive.conversation_id == f"a:1personal-{ASHA['id']}"
    assert proactive.body["type"] == "message"
    sent = teams.connector.cards(proactive)[0]
    assert_valid_card(sent)
    assert "Sam approved your idea" in card_text(sent)
    [row] = await _settled(_database(teams))
    assert row.status == "sent"


async def test_someone_known_only_by_aad_id_gets_a_new_personal_chat(teams: TeamsDriver) -> None:
    await teams.say(ASHA, "hello")  # teaches the bot the tenant and the service URL
    await teams.connector.wait_for_sent()
    await _queue(_database(teams), "sam", Text("Asha asks: can she give a free gift wrap?"))
    await teams.connector.wait_for_sent(2)
    [create] = [c for c in teams.connector.calls if c.path == "/v3/conversations"]
    assert create.body["members"] == [{"id": SAM["aadObjectId"]}]
    assert create.body["channelData"] == {"tenant": {"id": TENANT}}
    assert create.body["isGroup"] is False
    message = teams.connector.sent()[-1]
    assert message.conversation_id == f"a:personal-{SAM['aadObjectId']}"
    assert "free gift wrap" in message.body["text"]
    async with UnitOfWork(_database(teams)) as uow:
        refs = (await uow.session.exec(select(ConversationRefRow))).all()
    assert {r.person_id for r in refs} == {"asha", "sam"}  # remembered for next time


async def test_nobody_has_talked_yet_so_the_message_is_recorded_as_undeliverable(
    teams: TeamsDriver,
) -> None:
    await _queue(_database(teams), "dan", Text("hello"))  # Teams only, no tenant known
    rows = await _settled(_database(teams))
    assert rows[0].status == "failed"
    assert "no tenant id is known" in (rows[0].last_error or "")


async def test_installing_in_a_team_opens_chats_with_the_members_we_know(
    teams: TeamsDriver,
) -> None:
    teams.connector.team_members = [
        {
            "id": SAM["id"],
            "name": SAM["name"],
            "aadObjectId": SAM["aadObjectId"],
            "userPrincipalName": "sam@riverside.example",
            "tenantId": TENANT,
        },
        {
            "id": "29:1visitor",
            "name": "A Visitor",
            "aadObjectId": "00000000-1111-4222-8333-444444444444",
            "tenantId": TENANT,
        },
    ]
    activity: dict[str, Any] = teams.activity(
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
    response = await teams.post(activity)
    assert response.status in (200, 201)
    roster = [c for c in teams.connector.calls if c.path.endswith("/pagedmembers")]
    assert roster and roster[0].conversation_id == "19:team-general@thread.tacv2"
    creates = [c for c in teams.connector.calls if c.path == "/v3/conversations"]
    assert [c.body["members"][0]["id"] for c in creates] == [SAM["id"]]  # not the visitor
    [welcome] = await teams.connector.wait_for_sent()
    assert "Hi Sam" in card_text(teams.connector.cards(welcome)[0])


async def test_admins_are_shown_who_cannot_be_reached(teams: TeamsDriver) -> None:
    await _queue(_database(teams), "dan", Text("hello"))
    await _settled(_database(teams))
    # Ola (admin) asks in Teams... Ola has no Teams id, so ask as Maria, the manager.
    maria = {
        "id": "29:1maria",
        "name": "Maria Lopez",
        "aadObjectId": "2b1c7f9e-0d4a-4a57-9b1e-6f3d2a8c4e01",
    }
    await teams.say(maria, "unreachable")
    await teams.connector.wait_for_sent()
    text = card_text(teams.last_card())
    assert "People I can't reach (1)" in text
    assert "Dan Hughes" in text and "no tenant id is known" in text
    await teams.say(ASHA, "unreachable")
    await teams.connector.wait_for_sent(2)
    assert "Only admins and managers" in teams.connector.sent()[-1].body["text"]
