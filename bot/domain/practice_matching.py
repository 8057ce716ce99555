"""Practices (K9): kinds of extra-mile deed that several actions share. When someone logs
an action the bot ranks the organisation's practices by how alike they look; the
person's choice is what counts, the ranking only helps.

The method was picked by measurement (README, `extramile practices evaluate`):

- `hybrid` (shipped): the cosine between the deed's embedding (multilingual-e5-small,
  bot.domain.embedding) and each practice's centroid, both centred on the mean of the
  organisation's own stored vectors (e5's cosines all crowd near 0.9; centring spreads
  them; PRIOR_WEIGHT), plus 0.3 x word BM25 over Snowball stems (bot.domain.lexical).
- `lexical`: the BM25 alone; the fallback when the model is not installed.
- `tfidf-char`: TF-IDF over character 3-5-grams (scikit-learn), the method before
  issue 17, kept for comparison.

numpy and scikit-learn are imported on first use, not with this module.

After a deed is saved and answered, the bot: works out `vector =
storage.action_vectors.embedded(extra)` off the event loop with no transaction open (None
with no model) and stores it once; reads every practice with its latest examples and
stored vectors in one statement (`storage.practices_to_rank`) and builds a PracticeText per
practice; then `rank(extra, practices, vector=vector)`. Buttons show when the top score clears
`practice_threshold.fit_threshold(labels of method_in_use())`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from bot.domain import embedding
from bot.domain.lexical import bm25, normalise

if TYPE_CHECKING:
    import numpy

HYBRID = "hybrid"
LEXICAL = "lexical"
TFIDF_CHAR = "tfidf-char"
ALL_METHODS = (HYBRID, LEXICAL, TFIDF_CHAR)
LEXICAL_WEIGHT = 0.3
# The centre is the mean of the organisation's vectors (and the deed's), with the mean of
# everyday service deeds counted as this many more: alone, a handful of vectors centred on
# their own mean point away from each other (two are opposite), so a new organisation's
# first deeds would never look alike.
PRIOR_WEIGHT = 5
# The top suggestion's score from which buttons are shown, until enough picks have been
# seen to fit one (bot.domain.practice_threshold). Found with `extramile practices
# evaluate` on tests/data/practices.yml.
THRESHOLDS = {HYBRID: 0.30, LEXICAL: 0.22, TFIDF_CHAR: 0.22}

__all__ = ["PracticeText", "Suggestion", "method_in_use", "normalise", "rank", "suggest"]


@dataclass(frozen=True, slots=True)
class PracticeText:
    """A practice as the ranking sees it: its title, its actions' words (the latest few
    are enough) and its actions' stored vectors (`embedding.embed`, any number; missing
    ones are worked out from the words)."""

    id: int | str
    title: str
    examples: tuple[str, ...]
    vectors: tuple[bytes, ...] = ()


@dataclass(frozen=True, slots=True)
class Suggestion:
    practice_id: int | str
    title: str
    score: float


def method_in_use() -> str:
    """The best method this installation can run."""
    return HYBRID if embedding.available() else LEXICAL


def rank(
    text: str,
    practices: Sequence[PracticeText],
    *,
    vector: bytes | None = None,
    method: str | None = None,
) -> list[Suggestion]:
    """Every practice, most alike first, with its score under `method` (default: the best
    available). `vector` is the deed's stored embedding, if it has one already."""
    if not practices:
        return []
    chosen = method or method_in_use()
    if chosen == HYBRID and not embedding.available():
        chosen = LEXICAL
    if chosen == HYBRID:
        scores = _hybrid(text, practices, vector)
    elif chosen == TFIDF_CHAR:
        scores = _tfidf(text, practices)
    else:
        scores = bm25(text, [_document(p) for p in practices])
    ranked = [Suggestion(p.id, p.title, s) for p, s in zip(practices, scores, strict=True)]
    ranked.sort(key=lambda s: s.score, reverse=True)
    return ranked


def suggest(
    text: str,
    practices: Sequence[PracticeText],
    *,
    method: str | None = None,
    limit: int = 3,
    threshold: float | None = None,
) -> list[Suggestion]:
    """Up to `limit` practices this text looks like, best first: the top ones when the
    best clears the threshold (that method's shipped one unless given), else none."""
    chosen = method or method_in_use()
    ranked = rank(text, practices, method=chosen)
    floor = THRESHOLDS.get(chosen, THRESHOLDS[LEXICAL]) if threshold is None else threshold
    if not ranked or ranked[0].score < floor:
        return []
    return ranked[:limit]


def _document(practice: PracticeText) -> str:
    return " ".join((practice.title, *practice.examples))


def _vectors(practice: PracticeText) -> list[bytes]:
    if practice.vectors:
        return list(practice.vectors)
    found = [embedding.embed(t) for t in (practice.examples or (practice.title,))]
    return [v for v in found if v is not None]


def _hybrid(text: str, practices: Sequence[PracticeText], vector: bytes | None) -> list[float]:
    import numpy as np

    query = vector or embedding.embed(text) or b""
    members = [_vectors(p) for p in practices]
    sizes = [len(group) for group in members]
    stacked = _rows([query, *(v for group in members for v in group)])
    everyday = _everyday_mean()
    centre = (stacked.sum(axis=0) + PRIOR_WEIGHT * everyday) / (len(stacked) + PRIOR_WEIGHT)
    centred = _units(stacked - centre)
    centred_query, rows = centred[0], centred[1:]
    semantic = np.zeros(len(practices))
    if len(rows):
        starts = np.cumsum([0, *sizes[:-1]])
        filled = np.array(sizes) > 0
        sums = np.add.reduceat(rows, starts[filled], axis=0)
        semantic[filled] = _units(sums) @ centred_query
    lexical = bm25(text, [_document(p) for p in practices])
    return [float(s) + LEXICAL_WEIGHT * w for s, w in zip(semantic, lexical, strict=True)]


@lru_cache(maxsize=1)
def _everyday_mean() -> numpy.ndarray[Any, Any]:
    """The mean of the everyday deeds' vectors (worked out once: they never change)."""
    mean: numpy.ndarray[Any, Any] = _rows(embedding.everyday()).mean(axis=0)
    return mean


def _rows(vectors: Sequence[bytes]) -> numpy.ndarray[Any, Any]:
    import numpy as np

    flat = np.frombuffer(b"".join(vectors), dtype="<f4").astype(np.float64)
    return flat.reshape(len(vectors), -1)


def _units(matrix: numpy.ndarray[Any, Any]) -> numpy.ndarray[Any, Any]:
    import numpy as np

    norms = np.linalg.norm(matrix, axis=-1, keepdims=True)
    return matrix / np.where(norms > 0, norms, 1.0)


def _tfidf(text: str, practices: Sequence[PracticeText]) -> list[float]:
    """Cosine of the text with each practice (its title and examples as one document)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    documents = [normalise(_document(p)) for p in practices]
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
    matrix = vectorizer.fit_transform([*documents, normalise(text)])
    similarities = matrix[:-1] @ matrix[-1].T  # rows are L2-normalised: dot = cosine
    return [float(v) for v in similarities.toarray().ravel()]
