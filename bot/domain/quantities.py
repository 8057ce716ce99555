"""Money, minutes and days as people write them: in a field ("4.50", "20 min", "an
hour"), or inside a sentence ("gave her a £15 voucher yesterday, took 20 min")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from bot.domain.text import parse_day

MAX_MONEY = Decimal(1_000_000)


def parse_money(text: str) -> Decimal | None:
    cleaned = text.strip().lstrip("£€$").replace(",", "") or "0"
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        return None
    if not amount.is_finite() or amount < 0 or amount > MAX_MONEY:
        return None
    return amount.quantize(Decimal("0.01"))


_MINUTES = re.compile(r"^(\d{1,4})\s*(?:minutes?|mins?|m)?$", re.ASCII)  # not "²"
_HOURS = re.compile(r"^(an|one|\d{1,2})\s*(?:hours?|hrs?|h)$", re.ASCII)


def parse_minutes(text: str) -> int | None:
    """ "20", "20 min", "an hour", "2 hours", "half an hour"; None for "about an hour"
    (asked again: a guess is not a number)."""
    cleaned = " ".join(text.strip().lower().split()) or "0"
    if cleaned == "half an hour":
        minutes = 30
    elif hours := _HOURS.match(cleaned):
        minutes = 60 * (1 if hours[1] in ("an", "one") else int(hours[1]))
    elif found := _MINUTES.match(cleaned):
        minutes = int(found[1])
    else:
        return None
    return minutes if minutes <= 24 * 60 else None


@dataclass(frozen=True, slots=True)
class LineParts:
    """A one-line deed, and what was found in it (as written; empty when absent)."""

    text: str  # the deed, without a leading or trailing date
    day: date
    cost: str = ""
    minutes: str = ""


_WEEKDAY = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"  # whole: "sat with a mum"
_NUMERIC_DAY = r"\d{1,2}/\d{1,2}(?:/\d{2,4})?"
# A day at either end of the sentence: "yesterday: ...", "... on Friday", "... 20/11".
_DAY_PHRASE = re.compile(
    rf"(?:\b(?:on|last)\s+)?\b(?P<day>yesterday|today|{_WEEKDAY}|{_NUMERIC_DAY})\b",
    re.IGNORECASE,
)
_EDGE_PUNCTUATION = " \t\n,;:.-–"
_AMOUNT = r"(\d{1,3}(?:,\d{3})+|\d+)(?:\.\d{1,2})?"  # 15, 4.50, 1,200
_MONEY_IN_TEXT = re.compile(
    rf"[£€$]\s?(?P<a>{_AMOUNT})(?![\d,])|\b(?P<b>{_AMOUNT})\s?(?:pounds|quid)\b"
)
_TIME_IN_TEXT = re.compile(
    r"\b(half an hour|(?:an|one|\d{1,2})\s?(?:hours?|hrs?)|\d{1,4}\s?(?:minutes?|mins?))\b",
    re.IGNORECASE,
)


def read_line(line: str, today: date) -> LineParts:
    """The day it happened (at the start or end of the line; today if none; a day still
    to come is returned as it is, for the caller to refuse), and the
    first amount of money and of time mentioned. Those stay in the words: "gave a £15
    voucher" reads as written; only the day is taken out, since "yesterday" would read
    wrongly later."""
    text, day = _day_at_edge(line.strip(), today)
    money = _MONEY_IN_TEXT.search(text)
    time = _TIME_IN_TEXT.search(text)
    return LineParts(
        text=text,
        day=day,
        cost=_amount(money) if money else "",
        minutes=time[1] if time else "",
    )


def without_days(text: str) -> str:
    """The text with every day it names ("on Friday", "yesterday") taken out."""
    return _DAY_PHRASE.sub(" ", text)


def _amount(found: re.Match[str]) -> str:
    """The amount as written, without thousands separators; "" when past any cost."""
    amount = (found["a"] or found["b"]).replace(",", "")
    parsed = parse_money(amount)
    return amount if parsed is not None and parsed < MAX_MONEY else ""


def _day_at_edge(line: str, today: date) -> tuple[str, date]:
    """The day named at either end (taken out of the words), else one named clearly in
    the middle ("yesterday", "on Friday"), which stays in the words."""
    middle: date | None = None
    for found in _DAY_PHRASE.finditer(line):
        day = parse_day(found["day"].lower(), today)
        if day is None:
            continue
        before, after = line[: found.start()], line[found.end() :]
        at_start, at_end = _blank(before), _blank(after)
        rest = after if at_start else before
        if (at_start or at_end) and not _blank(rest):
            return rest.strip(_EDGE_PUNCTUATION), day  # a future day too: it is refused
        if day > today:
            continue
        clear = found["day"].lower() == "yesterday" or found[0].lower() != found["day"].lower()
        middle = middle or (day if clear else None)
    return line, middle or today


def _blank(text: str) -> bool:
    return not text.strip(_EDGE_PUNCTUATION)
