"""The score from which the likeliest practices are shown as buttons, fitted from people's
answers (issue 17). Each answer is a label: the score of the top suggestion the ranking
gave, and whether the person then picked an existing practice (True: a positive, buttons
were worth showing) or said "It's something new" (False: buttons there would have been
a wrong suggestion).

The fit: the score that shows buttons to as many repeats as it can while showing them to
at most MAX_WRONG of the new deeds seen (a new deed shown a wrong practice may be filed
under it); of the scores that do that, the highest, so no allowance is spent for nothing. The same
function sets the threshold in chat, in the evaluation's split figures (fitted on half the
groups, tested on the other half) and in `extramile practices evaluate --learned`.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.domain.practice_matching import THRESHOLDS, method_in_use

MAX_WRONG = 0.18  # the bound on new deeds wrongly given a suggestion
MIN_EACH = 5  # fewer repeats or fewer new deeds than this: the shipped threshold stands
ABOVE_ALL = 1e-9


def fit_threshold(
    labels: Sequence[tuple[float, bool]],
    default: float | None = None,
    *,
    max_wrong: float = MAX_WRONG,
) -> float:
    """The threshold for these labels (top score, picked an existing practice); `default`
    (the shipped threshold of the method in use, if not given) while there are too few."""
    fallback = THRESHOLDS[method_in_use()] if default is None else default
    negatives = sorted((score for score, same in labels if not same), reverse=True)
    positives = sum(1 for _, same in labels if same)
    if positives < MIN_EACH or len(negatives) < MIN_EACH:
        return fallback
    allowed = int(max_wrong * len(negatives) + 1e-9)  # new deeds that may clear it
    # Just above the (allowed + 1)-th highest new deed's score: it and all below it stay
    # without buttons; at most `allowed` above it would be wrong suggestions...
    cut = negatives[allowed] + ABOVE_ALL if allowed < len(negatives) else float("-inf")
    # ...and raised to the lowest repeat it shows, spending none of that allowance for
    # nothing: the same repeats get their buttons, and no more new deeds than must.
    shown = [score for score, same in labels if same and score >= cut]
    return min(shown) if shown else cut
