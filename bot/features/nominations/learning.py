"""The threshold for showing practices as buttons, re-fitted from people's answers
(issue 17): each pick of an existing practice is a positive label, each "It's something
new" a negative, both with the best score the ranking gave at the time."""

from __future__ import annotations

from collections.abc import Sequence

MIN_LABELS = 10  # fewer answers than this, or only one kind: the shipped threshold stands


def fit_threshold(labels: Sequence[tuple[float, bool]], default: float) -> float:
    """The score from which a practice is shown as a button: the one that best separates
    repeats (shown) from new deeds (not shown), by Youden's J (share of repeats shown minus
    share of new deeds shown); on a tie, the one nearest `default`."""
    positives = sorted(score for score, same in labels if same)
    negatives = sorted(score for score, same in labels if not same)
    if len(labels) < MIN_LABELS or not positives or not negatives:
        return default
    best, best_key = default, (-2.0, 0.0)
    for cut in sorted({score for score, _ in labels} | {default}):
        shown = sum(s >= cut for s in positives) / len(positives)
        wrong = sum(s >= cut for s in negatives) / len(negatives)
        key = (round(shown - wrong, 9), -abs(cut - default))
        if key > best_key:
            best, best_key = cut, key
    return best
