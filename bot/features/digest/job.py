"""`manager-digest` (K6, K8): each manager's week, with the eight-week trend chart.

The figures are read first; the charts are drawn after, off the event loop with no
transaction open (bot.reports.attachments.draw); then each is stored once and queued."""

from __future__ import annotations

from datetime import datetime

from bot.context import Scene
from bot.delivery.fan_out import FanOutReport, fan_out
from bot.domain.org import Person, Role
from bot.features.digest.report import Digest, build_digest, digest_card, digest_chart
from bot.messages import Outbound

JOB = "manager-digest"


async def run(scene: Scene) -> FanOutReport:
    managers = [p for p in scene.org.people if p.role is Role.MANAGER]
    read: dict[str, tuple[Digest, datetime]] = {}

    async def figures(scene: Scene, manager: Person, occurrence: datetime) -> Outbound | None:
        digest = await build_digest(scene, manager, occurrence)
        read[manager.id] = (digest, occurrence)
        return digest_card(manager, digest, occurrence)

    async def with_charts(built: list[tuple[Person, Outbound | None]]) -> list[Outbound | None]:
        cards: list[Outbound | None] = []
        for manager, _ in built:
            digest, occurrence = read.pop(manager.id)
            cards.append(digest_card(manager, digest, occurrence, await digest_chart(digest)))
        return cards

    return await fan_out(
        scene,
        job=JOB,
        schedule=scene.org.schedule.manager_digest,
        recipients=managers,
        build=figures,
        finish=with_charts,
    )
