"""Searching by word forms: every word, in any of its forms or as part of a word."""

from __future__ import annotations

from bot.domain.word_forms import matches_all

REFUND = "Refund or exchange within 30 days with a receipt"


def test_word_forms_match() -> None:
    assert matches_all("refunds", REFUND)
    assert matches_all("exchanging receipts", REFUND)
    assert matches_all("REFUND", REFUND)


def test_every_word_must_match() -> None:
    assert not matches_all("refunds delivery", REFUND)
    assert matches_all("", REFUND)


def test_part_of_a_word_still_matches() -> None:
    assert matches_all("deliv", "Home delivery within 10 miles, next day (£5)")
    assert matches_all("£5", "Home delivery within 10 miles, next day (£5)")
