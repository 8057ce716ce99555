"""Remove customers' personal data from their words before they are stored (UK GDPR)."""

from __future__ import annotations

import re

# Order matters: card numbers before phone numbers (both are runs of digits).
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[email]"),
    (re.compile(r"\b(?:\d[ -]?){12,18}\d\b"), "[card number]"),
    (
        re.compile(r"(?:(?:\+|00)44\s?(?:\(0\)\s?)?|\(?0)\d{2,4}\)?(?:[\s-]?\d){6,8}\b"),
        "[phone]",
    ),
    (
        re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE),
        "[postcode]",
    ),
)


def redact(text: str) -> str:
    for pattern, placeholder in _PATTERNS:
        text = pattern.sub(placeholder, text)
    return text
