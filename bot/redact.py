"""Remove customers' personal data from their words before they are stored (UK GDPR).

E-mail addresses, payment card numbers (Luhn-checked, so an order number survives),
phone numbers (UK and international forms) and UK postcodes become placeholders.
Prices, times, dates and quantities are left alone.
"""

from __future__ import annotations

import re

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# Runs of digits with single spaces or dashes between groups (cards and phones).
DIGIT_RUN = re.compile(r"(?<![\w.,:/£$€])(?:\+|00)?\(?\d[\d\s()-]{7,24}\d(?![\w.,:/%])")
POSTCODE = re.compile(
    r"\b(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})\b", re.IGNORECASE
)


def luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _digits(match: re.Match[str]) -> str:
    text = match.group(0)
    digits = re.sub(r"\D", "", text)
    if 13 <= len(digits) <= 19 and luhn_valid(digits):
        return "[card number]"
    if 10 <= len(digits) <= 15 and _looks_like_phone(text, digits):
        return "[phone]"
    return text


def _looks_like_phone(text: str, digits: str) -> bool:
    international = text.startswith(("+", "00"))
    national = digits.startswith("0")  # UK numbers are written with a leading 0
    return international or national or len(digits) >= 11


def redact(text: str) -> str:
    text = EMAIL.sub("[email]", text)
    text = DIGIT_RUN.sub(_digits, text)
    return POSTCODE.sub("[postcode]", text)
