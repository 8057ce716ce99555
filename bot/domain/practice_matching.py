"""Practices (K9): kinds of extra-mile deed that several actions share. When someone logs
an action the bot suggests up to three practices it looks like; the person's choice is
what counts, the suggestion only helps.

Similarity is TF-IDF over character n-grams (scikit-learn), which copes with typos and
word endings and weighs the telling words (umbrella, taxi, dog) over the common ones;
chosen by measurement against rapidfuzz's ratios (README, `extramile practices evaluate`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz
from sklearn.feature_extraction.text import TfidfVectorizer

# Shop-floor shorthand, spelled out before comparing.
_SHORTHAND = {
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
_STOPWORDS = frozenset(
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
    ]
)
_WORD = re.compile(r"[\w/&']+")

Scorer = Callable[[str, str], float]
METHODS: dict[str, Scorer] = {
    "token-set": lambda a, b: fuzz.token_set_ratio(a, b),
    "weighted": lambda a, b: fuzz.WRatio(a, b),
    "token-sort": lambda a, b: fuzz.token_sort_ratio(a, b),
}
# Thresholds found with the evaluation command (see the README's figures).
THRESHOLDS = {"tfidf-char": 0.2, "token-set": 55.0, "weighted": 72.0, "token-sort": 55.0}
DEFAULT_METHOD = "tfidf-char"
ALL_METHODS = ("tfidf-char", *METHODS)


def normalise(text: str) -> str:
    words = [_SHORTHAND.get(w, w) for w in _WORD.findall(text.lower())]
    return " ".join(w for w in words if w not in _STOPWORDS)


@dataclass(frozen=True, slots=True)
class PracticeText:
    id: int | str
    title: str
    examples: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Suggestion:
    practice_id: int | str
    title: str
    score: float


def suggest(
    text: str,
    practices: Sequence[PracticeText],
    *,
    method: str = DEFAULT_METHOD,
    limit: int = 3,
    threshold: float | None = None,
) -> list[Suggestion]:
    """Up to `limit` practices this text looks like, best first."""
    if not practices:
        return []
    floor = THRESHOLDS[method] if threshold is None else threshold
    scores = (
        _tfidf(text, practices)
        if method == "tfidf-char"
        else _pairwise(text, practices, METHODS[method])
    )
    scored = [
        Suggestion(p.id, p.title, score)
        for p, score in zip(practices, scores, strict=True)
        if score >= floor
    ]
    scored.sort(key=lambda s: s.score, reverse=True)
    return scored[:limit]


def _pairwise(text: str, practices: Sequence[PracticeText], scorer: Scorer) -> list[float]:
    wanted = normalise(text)
    return [max(scorer(wanted, normalise(t)) for t in (p.title, *p.examples)) for p in practices]


def _tfidf(text: str, practices: Sequence[PracticeText]) -> list[float]:
    """Cosine of the text with each practice (its title and examples as one document)."""
    documents = [normalise(" ".join((p.title, *p.examples))) for p in practices]
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
    matrix = vectorizer.fit_transform([*documents, normalise(text)])
    similarities = matrix[:-1] @ matrix[-1].T  # rows are L2-normalised: dot = cosine
    return [float(v) for v in similarities.toarray().ravel()]
