"""`retention`: customer words older than `policy.retention_months` are removed (UK GDPR);
counts and sentiment stay for the figures."""

from __future__ import annotations

from datetime import datetime

from bot.context import Scene
from storage.events import audit
from storage.privacy import remove_old_words


def months_before(moment: datetime, months: int) -> datetime:
    total = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(total, 12)
    day = min(moment.day, 28)  # every month has a 28th
    return moment.replace(year=year, month=month + 1, day=day)


async def run(scene: Scene) -> str:
    cutoff = months_before(scene.now, scene.org.policy.retention_months)
    removed = await remove_old_words(scene.uow, cutoff, scene.now)
    if removed:
        await audit(
            scene.uow,
            actor_id=None,
            action="retention.words_removed",
            subject_type="feedback",
            subject_id=str(removed),
            detail={"before": cutoff.isoformat()},
        )
    return f"removed the words of {removed} feedback record(s) older than {cutoff:%d %b %Y}"
