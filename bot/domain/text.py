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


# Characters that change how text around them is shown without being seen themselves:
# bidi embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069), the implicit
# marks (U+200E, U+200F, U+061C), and zero-width or invisible fillers. Typed into a card
# they can reorder what a reader sees or pad a field with empty lines.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
INVISIBLE = BIDI_CONTROLS | frozenset(
    "\u200b\u200c\u200d\u200e\u200f\u061c\u2060\u2061\u2062\u2063\u2064"
    "\ufeff\u00ad\u180e\u034f\u115f\u1160\u3164\uffa0"
)
_JOINERS = frozenset("\u200c\u200d")
_BLANK_RUNS = re.compile(r"\n{3,}")
_LINE_BREAKS = re.compile(r"\r\n|[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]")


def _keeps_joiner(before: str, after: str) -> bool:
    """A single joiner between two emoji (👩‍🚀) or two letters (Persian ZWNJ) is part of
    how the text is written, not padding."""

    def visible(char: str) -> bool:
        return unicodedata.category(char)[0] in "LS" or char == "\ufe0f"

    return bool(before and after) and visible(before) and visible(after)


def strip_invisible(text: str) -> str:
    """`text` without bidi controls and zero-width characters (an emoji's joiner kept)."""
    if not any(char in INVISIBLE for char in text):
        return text
    out: list[str] = []
    for index, char in enumerate(text):
        if char not in INVISIBLE:
            out.append(char)
        elif char in _JOINERS:
            after = text[index + 1] if index + 1 < len(text) else ""
            if _keeps_joiner(out[-1] if out else "", after):
                out.append(char)
    return "".join(out)


def tidy(text: str) -> str:
    """A text without invisible characters, trailing spaces or runs of blank lines: its
    own paragraphs stay, padding does not."""
    lines = [line.rstrip() for line in strip_invisible(text).splitlines()]
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip("\n")


def cap(text: str, limit: int) -> str:
    """At most `limit` characters, the cut shown with "…"."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def one_line(text: str, limit: int) -> str:
    """A typed value as one line: invisible characters gone, every run of white space
    (line breaks included) a single space, and capped."""
    return cap(" ".join(strip_invisible(text).split()), limit)


def lines_of(text: str, *, max_lines: int, limit: int) -> list[str]:
    """A multi-line text as its non-blank lines, each on one line (tabs and runs of spaces
    collapsed), invisible characters gone; at most `max_lines` lines and `limit`
    characters in all, the cut shown with "…"."""
    lines = [" ".join(line.split()) for line in _LINE_BREAKS.split(strip_invisible(text))]
    kept: list[str] = []
    room = limit
    for line in (line for line in lines if line):
        if len(kept) == max_lines or room <= 1:
            kept[-1] = cap(kept[-1] + " …", len(kept[-1]) + 2) if kept else "…"
            break
        kept.append(cap(line, room))
        room -= len(kept[-1])
    return kept


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
