"""Remove customers' personal data from their words before they are stored (UK GDPR).

E-mail addresses, payment card numbers, phone numbers, UK postcodes, street addresses
and a title with a surname ("Mrs J Brown") become placeholders. Prices, times, dates,
quantities and order numbers are left alone.

The rules, and why:
- Matching runs on a folded view of the text: each character in NFKC form (so a
  full-width ＠, ＳＷ１Ａ or ０７７００ reads as its ASCII self), other scripts' digits as
  0-9, and invisible characters (zero-width spaces, bidi controls) dropped, so they
  cannot split a number. What is kept is kept exactly as typed: only the matched spans
  of the original text are replaced.
- Card and phone numbers: see `bot.domain.redaction_numbers`.
- An address is a house number and a street word ("12 Acacia Avenue", "Flat 3, 45 High
  St"): capitalised street names with any street word, or one lower-case word with an
  unambiguous one ("12 acacia avenue", but not "a 10 minute walk").
- A name is a title and a capitalised surname, with any initials ("Mrs J Brown",
  "Mr. Smith", "Dr Patel"); "mr nobody" in lower case is not taken for one.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator

from bot.domain.redaction_numbers import Span, numbers
from bot.domain.text import INVISIBLE

EMAIL_MARK = "[email]"
POSTCODE_MARK = "[postcode]"
ADDRESS_MARK = "[address]"
NAME_MARK = "[name]"

EMAIL = re.compile(r"(?<![\w.+-])(?:mailto:)?[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
POSTCODE = re.compile(
    r"\b(?:GIR\s{0,2}0AA|[A-PR-UWYZ][A-HK-Y]?[0-9][A-Z0-9]?\s{0,2}[0-9][ABD-HJLNP-UW-Z]{2})\b",
    re.IGNORECASE,
)
_STRONG_STREET = (
    r"street|st|road|rd|avenue|ave|lane|ln|crescent|cres|terrace|tce|gardens|gdns|boulevard|mews"
)
_WEAK_STREET = (
    r"close|drive|dr|way|court|ct|place|pl|square|sq|grove|hill|park|row|walk|green|parade"
    r"|rise|view|vale|wharf|quay|yard|embankment|circus|broadway"
)
_ABBREVIATED = r"st|rd|ave|ln|cres|tce|gdns|dr|ct|pl|sq"
ADDRESS = re.compile(
    r"(?:(?i:flat|apartment|apt|unit)\s{0,2}[0-9]{1,4}[A-Za-z]?\s{0,2},?\s{0,2})?"
    r"(?<![\w£$€.,:/])[0-9]{1,4}[A-Za-z]?,?\s{1,2}"
    r"(?:"
    rf"(?:[A-Z][\w'’-]*\s{{1,2}}){{1,3}}(?i:(?:{_ABBREVIATED})\b\.?|(?:{_STRONG_STREET}|{_WEAK_STREET})\b)"
    rf"|[a-z][\w'’-]*\s{{1,2}}(?i:(?:{_ABBREVIATED})\b\.?|(?:{_STRONG_STREET})\b)"
    r")"
)
NAME = re.compile(
    r"\b(?i:mrs|mr|ms|miss|mx|dr|prof|sir|revd|rev)\b\.?\s{1,2}"
    r"(?!(?:You|Them|Him|Her|It|Us|Me|The|This|That|Out|Our|Your|My|All)\b)"  # "I'll Miss You"
    r"(?:[A-Z]\.?\s{1,2}){0,3}"
    r"[A-Z][\w'’]*(?:-[A-Z][\w'’]*)?"
    r"(?:\s[A-Z][a-z'’]+(?:-[A-Z][a-z'’]*)?\b)?"
)


def redact(text: str) -> str:
    for find in (_emails, numbers, _postcodes, _addresses, _names):
        text = _replace(text, find)
    return text


# --- the folded view -----------------------------------------------------------------


def _fold(text: str) -> tuple[str, list[int]]:
    """The text to match against, and for each of its characters the index in `text`
    of the character it came from."""
    out: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        if char in INVISIBLE:
            continue
        digit = unicodedata.decimal(char, None)
        folded = str(digit) if digit is not None else unicodedata.normalize("NFKC", char)
        out.append(folded)
        origin += [index] * len(folded)
    return "".join(out), origin


def _replace(text: str, find: Callable[[str], Iterator[Span]]) -> str:
    folded, origin = _fold(text)
    pieces: list[str] = []
    done = 0
    for start, end, mark in find(folded):
        first, last = origin[start], origin[end - 1] + 1
        if first < done:
            continue
        pieces += [text[done:first], mark]
        done = last
    return "".join(pieces) + text[done:]


def _emails(folded: str) -> Iterator[Span]:
    for match in EMAIL.finditer(folded):
        yield match.start(), match.end(), EMAIL_MARK


def _postcodes(folded: str) -> Iterator[Span]:
    for match in POSTCODE.finditer(folded):
        yield match.start(), match.end(), POSTCODE_MARK


def _addresses(folded: str) -> Iterator[Span]:
    for match in ADDRESS.finditer(folded):
        yield match.start(), match.end(), ADDRESS_MARK


def _names(folded: str) -> Iterator[Span]:
    for match in NAME.finditer(folded):
        yield match.start(), match.end(), NAME_MARK
