"""The routine offer as it stands: the organisation file's items, then those adopted from
staff practice, wherever an offer item is chosen or named (issue 16)."""

from __future__ import annotations

from dataclasses import replace
from typing import TypeVar

from bot.context import Scene
from bot.domain.org import OfferItem
from storage.people import adopted_offer

S = TypeVar("S", bound=Scene)


async def with_adopted_offer(scene: S) -> S:
    """`scene` with the adopted items added to its organisation's service offer."""
    known = {item.id for item in scene.org.service_offer}
    adopted = [
        OfferItem.model_construct(id=item.id, title=item.title)
        for item in await adopted_offer(scene.uow)
        if item.id not in known
    ]
    if not adopted:
        return scene
    org = scene.org.model_copy(update={"service_offer": [*scene.org.service_offer, *adopted]})
    return replace(scene, org=org)
