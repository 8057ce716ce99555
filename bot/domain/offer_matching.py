"""Which items of the routine offer a deed's words are about ("carried a TV to her car"
is most like "Help to the car with bulky items"), so the likely ones are one tap away."""

from __future__ import annotations

from collections.abc import Sequence

from bot.domain.lexical import terms
from bot.domain.org import OfferItem

# Words in many offer items and deeds that say nothing about which item it is (the
# ranking's own stop words are left out by `terms` already).
_GENERIC = frozenset(terms("customer customers within item items request help helped"))


def likely_items(text: str, offer: Sequence[OfferItem], limit: int = 3) -> list[OfferItem]:
    """Up to `limit` offer items sharing words with `text`, most shared first (the words
    as the practice ranking reads them: stemmed, with its synonyms)."""
    words = set(terms(text)) - _GENERIC
    scored = [
        (len(words & (set(terms(item.title)) - _GENERIC)), index)
        for index, item in enumerate(offer)
    ]
    ranked = sorted((s for s in scored if s[0] > 0), key=lambda s: (-s[0], s[1]))
    return [offer[index] for _, index in ranked[:limit]]
