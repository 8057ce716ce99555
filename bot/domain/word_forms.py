"""Word forms for searching: "refunds" finds "Refund", "ordering" finds "orders"."""

from __future__ import annotations

import re
from functools import cache

import snowballstemmer

_WORD = re.compile(r"[^\W_]+")


@cache
def _stemmer() -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer("english")


def stems(text: str) -> set[str]:
    """The stems of the words in `text`, lower-cased."""
    return set(_stemmer().stemWords(_WORD.findall(text.lower())))


def matches_all(search: str, text: str) -> bool:
    """Whether every word of `search` is in `text`, in any of its forms or as part of a word
    ("deliv" still finds "delivery")."""
    lowered, found = text.lower(), stems(text)
    return all(
        word in lowered or (stems(word) <= found and bool(stems(word)))
        for word in search.lower().split()
    )
