"""Telling the organisation's admins, in chat, when the bot cannot post to a channel (the
recognition channel): once per channel and error, with why and what to do."""

from __future__ import annotations

from datetime import datetime

from bot.delivery.codec import dump_outbound
from bot.delivery.messenger import Undeliverable
from bot.domain.org import Organisation
from bot.domain.records import OutboxItem
from bot.messages import Text
from storage.outbox import enqueue
from storage.uow import UnitOfWork

PLATFORMS = {"slack": "Slack", "teams": "Teams"}


def trouble_text(org: Organisation, item: OutboxItem, error: Undeliverable) -> str:
    platform = PLATFORMS.get(item.platform, item.platform)
    targets = org.channels.recognition
    recognition = targets is not None and getattr(targets, item.platform, None) == item.target
    which = "the recognition channel" if recognition else "the channel"
    advice = error.advice or "Check that the channel exists and that I may post in it."
    return (
        f"⚠️ I can't post to {which} ({item.target}) on {platform}: {error}. "
        f"Praise meant for it is not being shared. {advice}"
    )


async def tell_admins(
    uow: UnitOfWork, org: Organisation, item: OutboxItem, error: Undeliverable, now: datetime
) -> None:
    """Queue the word to each admin; the dedupe key makes it once per channel and error."""
    payload = dump_outbound(Text(trouble_text(org, item, error)))
    for admin in org.admins():
        await enqueue(
            uow,
            person_id=admin.id,
            payload=payload,
            now=now,
            dedupe_key=f"channel-trouble:{item.platform}:{item.target}:{error}:{admin.id}"[:200],
        )
