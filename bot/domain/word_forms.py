"""Word forms for searching: "refunds" finds "Refund", "ordering" finds "orders"."""

from __future__ import annotations

import importlib
import importlib.util
import re
import sys
import types
from functools import cache
from typing import Any

_WORD = re.compile(r"[^\W_]+")
# snowballstemmer's modules loaded under this name, without the package's __init__ (which
# loads every language's stemmer, about 3 MB resident, to offer a choice made here once).
_SNOWBALL = "bot_domain_snowball"


def english_stemmer() -> Any:
    """A new English stemmer of snowballstemmer's (stemWord, stemWords), its module loaded
    alone. Each holds its word while it works: one per user, as before."""
    spec = importlib.util.find_spec("snowballstemmer")  # found, not run
    try:
        if spec is None or not spec.submodule_search_locations:
            raise ImportError("snowballstemmer is not a package")
        package = sys.modules.get(_SNOWBALL) or types.ModuleType(_SNOWBALL)
        package.__path__ = list(spec.submodule_search_locations)
        sys.modules[_SNOWBALL] = package
        return importlib.import_module(f"{_SNOWBALL}.english_stemmer").EnglishStemmer()
    except ImportError:  # the package laid out otherwise: its own way
        import snowballstemmer

        return snowballstemmer.stemmer("english")


@cache
def _stemmer() -> Any:
    return english_stemmer()


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
