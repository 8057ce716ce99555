"""Word BM25 over Snowball stems: the lexical half of practice matching, and the whole of
it when no embedding model is installed. Pure Python (snowballstemmer only), so it
needs nothing loaded and nothing fetched.

Scores are normalised by the most the query could score (the sum of its words' idf), so
they fall in [0, 1] and one threshold fits texts of any length.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

# Shop-floor shorthand, spelled out before comparing (and before embedding).
SHORTHAND = {
    "w/": "with",
    "w/o": "without",
    "tmrw": "tomorrow",
    "bday": "birthday",
    "cust": "customer",
    "custs": "customers",
    "customers": "customer",
    "brolly": "umbrella",
    "cab": "taxi",
    "cuppa": "tea",
    "brew": "tea",
    "tv": "television",
    "mins": "minutes",
    "tho": "though",
    "mum": "mother",
    "dad": "father",
    "pls": "please",
    "&": "and",
    "giftwrapped": "gift wrapped",
    "giftwrap": "gift wrap",
    "mobile": "phone",
}
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "to",
        "for",
        "of",
        "and",
        "her",
        "his",
        "him",
        "she",
        "he",
        "it",
        "as",
        "at",
        "on",
        "in",
        "was",
        "my",
        "i",
        "we",
        "with",
        "so",
        "our",
        "their",
        "they",
        "them",
        "who",
        "had",
        "is",
        "be",
        "me",
        "us",
    ]
)
_WORD = re.compile(r"[\w/&']+")
K1 = 1.2
B = 0.75


def spelled_out(text: str) -> str:
    """Lower case, shorthand spelled out, every word kept (what the model reads)."""
    return " ".join(SHORTHAND.get(w, w) for w in _WORD.findall(text.lower()))


def normalise(text: str) -> str:
    """Spelled out, without the small words."""
    return " ".join(w for w in spelled_out(text).split() if w not in STOPWORDS)


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    from bot.domain.word_forms import english_stemmer

    return english_stemmer()


@lru_cache(maxsize=8192)
def terms(text: str) -> tuple[str, ...]:
    stem = _stemmer().stemWord
    return tuple(stem(w) for w in normalise(text).split())


def bm25(query: str, documents: Sequence[str]) -> list[float]:
    """Each document's BM25 score for the query, over the most it could score."""
    if not documents:
        return []
    docs = [Counter(terms(d)) for d in documents]
    lengths = [sum(d.values()) for d in docs]
    average = (sum(lengths) / len(docs)) or 1.0
    frequency: Counter[str] = Counter()
    for d in docs:
        frequency.update(d.keys())
    wanted = set(terms(query))
    idf = {w: math.log(1 + (len(docs) - frequency[w] + 0.5) / (frequency[w] + 0.5)) for w in wanted}
    best = sum(idf.values()) or 1.0
    scores = []
    for d, length in zip(docs, lengths, strict=True):
        norm = K1 * (1 - B + B * length / average)
        total = sum(idf[w] * d[w] * (K1 + 1) / (d[w] + norm) for w in wanted if d[w])
        scores.append(total / best)
    return scores
