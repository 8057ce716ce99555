"""Messages to someone other than the person acting, or to a channel: the one way to send
them. Each is written to the outbox in the caller's transaction (so it goes if, and only
if, the change it reports is committed), under a dedupe key built here from its parts: the
same key twice queues the message once, so a retried turn or a job run again says nothing
twice. The pictures and files a message carries are stored once (bot.reports.attachments) and the
row references them by id.

Every scene has one (`scene.notify`, bot.context); the engine queues a turn's answers
to its sender through one too.
"""

from __future__ import annotations

from datetime import datetime

from bot.delivery.codec import dump_outbound
from bot.messages import Outbound
from bot.reports.attachments import stored
from storage.outbox import enqueue, enqueue_channel
from storage.uow import UnitOfWork


def dedupe_key(*parts: object) -> str | None:
    """The parts joined with ":" (`request:7`, `told` -> `request:7:told`); None without parts,
    for a message that may be queued any number of times."""
    return ":".join(str(part) for part in parts) if parts else None


class Notifier:
    """Queues messages in `uow`, due at `now` (the scene's time)."""

    __slots__ = ("_now", "_uow")

    def __init__(self, uow: UnitOfWork, now: datetime) -> None:
        self._uow = uow
        self._now = now

    async def person(
        self, person_id: str, message: Outbound, *key: object, platform: str = "auto"
    ) -> bool:
        """To one person, wherever they can be reached (or on `platform`, the one they are
        talking on). False if a message with this key was queued before: nothing is queued."""
        return await enqueue(
            self._uow,
            person_id=person_id,
            payload=dump_outbound(await stored(self._uow, message, self._now)),
            now=self._now,
            dedupe_key=dedupe_key(*key),
            platform=platform,
        )

    async def channel(self, platform: str, channel: str, message: Outbound, *key: object) -> bool:
        """To a channel on one platform (the recognition channel). False as for `person`."""
        return await enqueue_channel(
            self._uow,
            platform=platform,
            channel=channel,
            payload=dump_outbound(await stored(self._uow, message, self._now)),
            now=self._now,
            dedupe_key=dedupe_key(*key),
        )
