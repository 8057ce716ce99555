"""fit_threshold (issue 17): the score from which buttons are shown, fitted from answers
(top score, picked an existing practice)."""

from __future__ import annotations

import random

from bot.domain.practice_matching import THRESHOLDS, method_in_use
from bot.domain.practice_threshold import MAX_WRONG, MIN_EACH, fit_threshold


def _wrong_share(labels: list[tuple[float, bool]], threshold: float) -> float:
    new = [score for score, same in labels if not same]
    return sum(score >= threshold for score in new) / len(new)


def test_too_few_answers_keep_the_shipped_threshold() -> None:
    assert fit_threshold([]) == THRESHOLDS[method_in_use()]
    assert fit_threshold([], 0.4) == 0.4
    few = [(0.9, True)] * 50 + [(0.1, False)] * (MIN_EACH - 1)
    assert fit_threshold(few, 0.4) == 0.4
    assert fit_threshold([(0.9, True)] * (MIN_EACH - 1) + [(0.1, False)] * 50, 0.4) == 0.4


def test_apart_repeats_and_new_deeds_are_split_between_them() -> None:
    labels = [(0.6 + n / 100, True) for n in range(20)] + [
        (0.1 + n / 100, False) for n in range(20)
    ]
    threshold = fit_threshold(labels, 0.9)
    assert 0.29 < threshold <= 0.6
    assert all(score >= threshold for score, same in labels if same)


def test_at_most_the_allowed_share_of_new_deeds_would_see_buttons() -> None:
    labels = [(0.5, True)] * 10 + [(n / 10, False) for n in range(10)]  # 0.0 ... 0.9
    threshold = fit_threshold(labels, 0.0)
    # 18% of 10 new deeds: one may clear it (0.9); 0.8 must not.
    assert 0.8 < threshold <= 0.9
    assert _wrong_share(labels, threshold) <= MAX_WRONG
    assert fit_threshold(labels, 0.0, max_wrong=0.35) == fit_threshold(labels, 0.0, max_wrong=0.3)
    assert 0.6 < fit_threshold(labels, 0.0, max_wrong=0.35) <= 0.7


def _repeats_shown(labels: list[tuple[float, bool]], threshold: float) -> int:
    return sum(score >= threshold for score, same in labels if same)


def test_it_shows_the_most_repeats_the_allowance_lets_it_and_moves_with_the_answers() -> None:
    chance = random.Random(3)
    labels = [(chance.uniform(0.2, 0.9), True) for _ in range(60)] + [
        (chance.uniform(0.0, 0.5), False) for _ in range(40)
    ]
    threshold = fit_threshold(labels)
    assert _wrong_share(labels, threshold) <= MAX_WRONG
    for score, _ in labels:  # every threshold that would show more repeats shows too many new
        if _repeats_shown(labels, score) > _repeats_shown(labels, threshold):
            assert _wrong_share(labels, score) > MAX_WRONG
    # ...and none higher shows as many repeats: it sits on the lowest repeat it shows.
    assert threshold in {score for score, same in labels if same}
    more_new_high = [*labels, *[(0.8, False)] * 10]
    assert fit_threshold(more_new_high) > threshold
