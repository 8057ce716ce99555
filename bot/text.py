"""Small text helpers shared by flows: cleaning user input and parsing dates."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean(text: str) -> str:
    """Normalise what a person typed without changing what they meant.

    Emoji and right-to-left text pass through; control characters do not.
    """
    return _CONTROL.sub("", unicodedata.normalize("NFC", text)).strip()


def shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_SHORT_WEEKDAYS = tuple(d[:3] for d in _WEEKDAYS)


def parse_day(text: str, today: date, *, ahead: bool = False) -> date | None:
    """Read a day the way shop staff write it: today, yesterday, monday, 2026-11-20, 20/11/2026.

    A weekday is the last one (for what happened) or, with `ahead`, the next one.
    """
    word = text.strip().lower()
    if word in ("", "today"):
        return today
    if word == "yesterday":
        return today - timedelta(days=1)
    if word == "tomorrow":
        return today + timedelta(days=1)
    if word in _WEEKDAYS or word in _SHORT_WEEKDAYS:
        wanted = next(i for i, d in enumerate(_WEEKDAYS) if d.startswith(word[:3]))
        if ahead:
            return today + timedelta(days=(wanted - today.weekday()) % 7)
        back = (today.weekday() - wanted) % 7
        return today - timedelta(days=back)
    iso = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", word)
    uk = re.fullmatch(r"(\d{1,2})[/.](\d{1,2})[/.](\d{2}|\d{4})", word)
    try:
        if iso:
            return date(int(iso[1]), int(iso[2]), int(iso[3]))
        if uk:
            year = int(uk[3]) + (2000 if len(uk[3]) == 2 else 0)
            return date(year, int(uk[2]), int(uk[1]))
    except ValueError:
        return None
    return None
