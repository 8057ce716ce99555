"""A practice's title (issue 17): the wording most used among its actions, short enough
for a button (never a person's raw words cut off with "…", never with a count).

Each action's words give one candidate: its first clause, at most MAX_TITLE characters
cut at a word. The candidate whose words the practice's actions share most is the title
(the most representative phrasing); on a tie the shorter, then the older one. A manager's
own wording replaces it for good (storage.practice_edits.rename_practice)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.domain.practice_matching import normalise
from bot.domain.text import clean, strip_invisible

MAX_TITLE = 60
UNTITLED = "A kind of extra mile"
# Where a deed's first clause ends: a sentence's end, a dash, or what comes after ("then").
_CLAUSE = re.compile(r"[.;!?\n(]| - | – | — |, then |, and then | then | because | as she | as he ")
# Words a cut title may not end on.
_DANGLING = frozenset(
    [
        "a",
        "an",
        "the",
        "to",
        "for",
        "of",
        "and",
        "or",
        "but",
        "with",
        "her",
        "his",
        "their",
        "my",
        "our",
        "at",
        "on",
        "in",
        "by",
        "from",
        "as",
        "so",
        "then",
        "who",
        "which",
        "that",
        "she",
        "he",
        "they",
        "it",
        "was",
        "is",
    ]
)


def phrase(text: str) -> str:
    """One action's words as a short title: the first clause, cut at a word, capitalised."""
    whole = " ".join(strip_invisible(clean(text)).split())
    first = _CLAUSE.split(whole, maxsplit=1)[0].strip(" ,:-–—") or whole
    words: list[str] = []
    for word in first.split():
        if len(" ".join([*words, word])) > MAX_TITLE:
            break
        words.append(word)
    while len(words) > 1 and words[-1].lower().strip(",") in _DANGLING:
        words.pop()
    title = " ".join(words).rstrip(",:") or first[:MAX_TITLE].strip()
    return title[:1].upper() + title[1:] if title else UNTITLED


def title_for(texts: Sequence[str]) -> str:
    """The most representative short phrasing among a practice's actions' words."""
    candidates = [(phrase(t), _stems(t)) for t in texts if t.strip()]
    if not candidates:
        return UNTITLED
    best, best_key = candidates[0][0], (-1.0, 0, 0)
    for index, (title, _) in enumerate(candidates):
        words = _stems(title)
        shared = sum(
            _overlap(words, bag) for other, (_, bag) in enumerate(candidates) if other != index
        )
        key = (round(shared, 6), -len(title), -index)
        if key > best_key:
            best, best_key = title, key
    return best


def _stems(text: str) -> frozenset[str]:
    """The words that tell (no stopwords, shorthand spelled out), cut to crude stems."""
    return frozenset(w[:5] for w in normalise(text).split() if len(w) > 1)


def _overlap(title: frozenset[str], deed: frozenset[str]) -> float:
    """How much of the title this deed says, weighed against the title's length (Jaccard
    would punish a short title for the deed's other words; a plain share would favour one
    word)."""
    if not title:
        return 0.0
    return float(len(title & deed) / (len(title) ** 0.5 * max(len(deed), 1) ** 0.5))
