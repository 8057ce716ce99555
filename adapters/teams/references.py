"""Teams conversation references: stored for everyone who talks to the bot, for proactive use.

botbuilder's ConversationReference drops the tenant id on the way through, and
Teams needs it to open a chat, so the tenant is stored beside the reference.
"""

from __future__ import annotations

from dataclasses import dataclass

from botbuilder.core import TurnContext
from botbuilder.schema import Activity, ConversationReference

from adapters.teams.translate import PLATFORM
from bot.delivery.messenger import DeliveryStore

TENANT_KEY = "extramileTenantId"


@dataclass(frozen=True, slots=True)
class KnownChat:
    reference: ConversationReference
    tenant_id: str | None


def reference_of(activity: Activity) -> dict[str, object]:
    """What to keep to reach this conversation again: its reference, with the tenant."""
    reference = dict(TurnContext.get_conversation_reference(activity).serialize())
    tenant = tenant_of_activity(activity)
    if tenant:
        reference[TENANT_KEY] = tenant
    return reference


async def remember_reference(store: DeliveryStore, person_id: str, activity: Activity) -> None:
    """Saved if it changed (the store compares): no write for the same chat again."""
    await store.remember_address(person_id, PLATFORM, reference_of(activity))


async def find_reference(store: DeliveryStore, person_id: str) -> ConversationReference | None:
    data = await store.address(person_id, PLATFORM)
    return ConversationReference().deserialize(data) if data else None


async def find_any_chat(store: DeliveryStore) -> KnownChat | None:
    data = await store.latest_address(PLATFORM)
    if not data:
        return None
    tenant = data.get(TENANT_KEY)
    return KnownChat(ConversationReference().deserialize(data), str(tenant) if tenant else None)


def tenant_of_activity(activity: Activity) -> str | None:
    data = activity.channel_data or {}
    tenant = data.get("tenant") if isinstance(data, dict) else None
    if isinstance(tenant, dict) and tenant.get("id"):
        return str(tenant["id"])
    conversation = activity.conversation
    return getattr(conversation, "tenant_id", None) if conversation else None
