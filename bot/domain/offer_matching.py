"""Which items of the routine offer a deed's words are about ("carried a TV to her car"
is most like "Help to the car with bulky items"), so the likely ones are one tap away."""

from __future__ import annotations

from collections.abc import Sequence

from bot.domain.org import OfferItem
from bot.domain.word_forms import stems

# Words every deed and offer has; they say nothing about which item it is.
_COMMON = stems(
    "a an and the to of for with in on at by from our their her his them they she he it "
    "we i me my you your customer customers who was were is are be been within items item "
    "request help helped"
)


def likely_items(text: str, offer: Sequence[OfferItem], limit: int = 3) -> list[OfferItem]:
    """Up to `limit` offer items sharing words with `text`, most shared first."""
    words = stems(text) - _COMMON
    scored = [
        (len(words & (stems(item.title) - _COMMON)), index) for index, item in enumerate(offer)
    ]
    ranked = sorted((s for s in scored if s[0] > 0), key=lambda s: (-s[0], s[1]))
    return [offer[index] for _, index in ranked[:limit]]
