"""Card and phone numbers in a customer's words, for `bot.domain.redaction`.

The rules, and why:
- A number is the digits of a run with single separators between groups: up to three
  of space, "-", "(", ")" (so "(020) 7946 0958", "07700 - 900123" and a double space),
  or only dots ("07700.900.123", at least three groups, so a price or a decimal is not
  one). The run ends at a digit, so punctuation after it is never part of it.
- A card number is 13 to 19 digits starting 2-6 (the card networks' ranges) that pass
  the Luhn check.
- A phone number is written as one: `tel:`, "+" or "00" and 7 to 15 digits (E.164);
  a leading 0 and 10 or 11 digits (UK national); 44 and 10 more digits; 10 digits
  grouped 3-3-4 (North American); or 9 to 15 digits right after "call", "ring",
  "phone", "mobile", "text"... A number right after "order", "ref", "invoice", "#" and
  the like is an order number, unless it is a Luhn-valid card or written with + or tel:.
  Anything else (a 13-digit order number, a quantity, a date) is left alone.
- The `phonenumbers` library was measured against the property tests and left out: with
  its VALID leniency it misses 07700 900123 (a range Ofcom keeps for drama) and numbers of
  a length the country does not use; with POSSIBLE it reads 12.11.2026 as a phone number
  and keeps all but the last group of "+33 123 456 7890".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

CARD_MARK = "[card number]"
PHONE_MARK = "[phone]"

# A run of digit groups (see the module's notes); `tel:` and "+" or "(" may lead it.
RUN = re.compile(r"(?:(?<![a-z])tel:\s?)?[+(]{0,2}[0-9](?:[ \t().-]{0,3}[0-9])*", re.I)
GROUP = re.compile(r"[0-9]+")
_CUE = re.compile(
    r"\b(?:call|calls|called|ring|rang|phone|phoned|tel|telephone|mobile|mob|cell|text|txt"
    r"|texted|whatsapp|sms|fax|contact)\b\W{0,3}(?:\w+\W{1,3}){0,2}$",
    re.IGNORECASE,
)
_ORDERISH = re.compile(
    r"(?:\b(?:order|orders|ref|reference|invoice|booking|account|acct|receipt|ticket|tracking"
    r"|parcel|item|sku|product|transaction|id|serial|batch|code)\b\W{0,3}"
    r"(?:\b(?:no|number|num|nr)\b\.?\W{0,2})?|#\s?)$",
    re.IGNORECASE,
)


Span = tuple[int, int, str]  # start, end (in the folded view) and the placeholder


def luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


@dataclass(frozen=True, slots=True)
class _Group:
    start: int  # in the folded view
    end: int
    before: str  # the separator (or, for the first, the lead: tel:, +, "(") before it


def numbers(folded: str) -> Iterator[Span]:
    for run in RUN.finditer(folded):
        groups: list[_Group] = []
        previous = run.start()
        for match in GROUP.finditer(run.group(0)):
            start, end = run.start() + match.start(), run.start() + match.end()
            groups.append(_Group(start, end, folded[previous:start]))
            previous = end
        attached = run.start() > 0 and (
            folded[run.start() - 1].isalnum() or folded[run.start() - 1] in "£$€¥"
        )
        yield from _spans(folded, groups, attached)


def _spans(folded: str, groups: list[_Group], attached: bool) -> Iterator[Span]:
    """The longest stretches of groups that make a card or phone number, left to right."""
    first = 0
    while first < len(groups):
        for last in range(min(len(groups), first + 7), first, -1):
            mark = _classify(folded, groups[first:last], attached and first == 0)
            if mark:
                head = groups[first]
                lead = head.before if first == 0 else head.before.lstrip(" \t-.)")
                if not any(")" in g.before for g in groups[first + 1 : last]):
                    lead = lead.split("(")[-1].lstrip()  # "(07700 900123)": brackets stay
                yield head.start - len(lead), groups[last - 1].end, mark
                first = last
                break
        else:
            first += 1


def _classify(folded: str, groups: list[_Group], attached: bool) -> str | None:
    """The placeholder for a stretch of groups, or None if it is no card or phone number.

    The stretch must read as one number (`_one_number`); then the first rule of `_RULES`
    with a verdict decides: a placeholder, or `_LEFT_ALONE`."""
    if attached or not _one_number(folded, groups):
        return None
    number = _Number.of(folded, groups)
    for rule in _RULES:
        verdict = rule(number)
        if verdict is not None:
            return verdict or None
    return None


def _one_number(folded: str, groups: list[_Group]) -> bool:
    separators = [g.before for g in groups[1:]]
    if _continues_a_decimal(groups[0].before, separators):
        return False
    if any("." in s for s in separators) and (any(s != "." for s in separators) or len(groups) < 3):
        return False  # dots only, and at least three groups: not a price, not a decimal
    # "10 9 8 10": scores, not a number; "(0)" is the exception
    return not any(
        len(folded[g.start : g.end]) == 1 and not g.before.endswith("(") for g in groups[1:-1]
    )


@dataclass(frozen=True, slots=True)
class _Number:
    digits: str
    lead: str  # the first group's lead, lower case: tel:, +, "("...
    sizes: list[int]  # each group's count of digits
    context: str  # up to 40 characters of the text before the number and its lead

    @property
    def count(self) -> int:
        return len(self.digits)

    @classmethod
    def of(cls, folded: str, groups: list[_Group]) -> _Number:
        head = groups[0]
        return cls(
            digits="".join(folded[g.start : g.end] for g in groups),
            lead=head.before.lower(),
            sizes=[g.end - g.start for g in groups],
            context=folded[max(0, head.start - 40) : head.start - len(head.before)],
        )


_LEFT_ALONE = ""  # a rule's verdict: not a card or phone number, whatever the later rules say

# A rule's verdict: a placeholder, _LEFT_ALONE, or None to leave it to the next rule.
_Rule = Callable[[_Number], str | None]


def _written_as_a_phone(number: _Number) -> str | None:
    """`tel:` or "+" and 7 to 15 digits (E.164)."""
    if "+" in number.lead or "tel:" in number.lead:
        return PHONE_MARK if 7 <= number.count <= 15 else _LEFT_ALONE
    return None


def _a_card(number: _Number) -> str | None:
    """13 to 19 digits starting 2-6 that pass the Luhn check."""
    digits = number.digits
    if 13 <= number.count <= 19 and digits[0] in "23456" and luhn_valid(digits):
        return CARD_MARK
    return None


def _dialled_abroad(number: _Number) -> str | None:
    """Dialled with "00", and 9 to 15 digits after it."""
    if number.digits.startswith("00"):
        return PHONE_MARK if 9 <= number.count - 2 <= 15 else _LEFT_ALONE
    return None


def _after_an_order_word(number: _Number) -> str | None:
    """A number right after "order", "ref", "#"... is an order number."""
    return _LEFT_ALONE if _ORDERISH.search(number.context) else None


def _uk_national(number: _Number) -> str | None:
    """A leading 0 and 10 or 11 digits."""
    if number.digits.startswith("0"):
        return PHONE_MARK if number.count in (10, 11) else _LEFT_ALONE
    return None


def _shaped_as_a_phone(number: _Number) -> str | None:
    """44 and 10 more digits; 10 digits grouped 3-3-4; 1 and 3-3-4 (North American)."""
    digits, count, sizes = number.digits, number.count, number.sizes
    if (
        (count == 12 and digits.startswith("44") and digits[2] != "0")
        or (count == 10 and sizes == [3, 3, 4])
        or (count == 11 and digits[0] == "1" and sizes == [1, 3, 3, 4])
    ):
        return PHONE_MARK
    return None


def _after_a_phone_word(number: _Number) -> str | None:
    """9 to 15 digits right after "call", "ring", "mobile"..."""
    if _CUE.search(number.context) and 9 <= number.count <= 15:
        return PHONE_MARK
    return _LEFT_ALONE


# In this order: a number written with + or tel: is a phone number even after "order";
# a Luhn-valid card is one even after "ref".
_RULES: tuple[_Rule, ...] = (
    _written_as_a_phone,
    _a_card,
    _dialled_abroad,
    _after_an_order_word,
    _uk_national,
    _shaped_as_a_phone,
    _after_a_phone_word,
)


def _continues_a_decimal(lead: str, separators: list[str]) -> bool:
    """A stretch that starts right after a dot ("25.50 0770...": the 50) belongs to the
    number before it, unless the whole stretch is dotted."""
    return lead == "." and any(s != "." for s in separators)
