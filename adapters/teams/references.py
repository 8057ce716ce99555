"""Teams conversation references: stored for everyone who talks to the bot, for proactive use."""

from __future__ import annotations

from typing import Any

from botbuilder.core import TurnContext
from botbuilder.schema import Activity, ConversationReference

from adapters.teams.translate import PLATFORM
from storage.addresses import find_address, remember_address
from storage.database import Database


async def remember_reference(database: Database, person_id: str, activity: Activity) -> None:
    reference = TurnContext.get_conversation_reference(activity)
    await remember_address(database, person_id, PLATFORM, dict(reference.serialize()))


async def find_reference(database: Database, person_id: str) -> ConversationReference | None:
    data = await find_address(database, person_id, PLATFORM)
    return ConversationReference().deserialize(data) if data else None


def tenant_of(reference: ConversationReference) -> str | None:
    conversation = reference.conversation
    return getattr(conversation, "tenant_id", None) if conversation else None


def as_dict(reference: ConversationReference) -> dict[str, Any]:
    return dict(reference.serialize())
