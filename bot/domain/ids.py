"""Ids named in button values and form ids: parsed strictly, since anyone can send any value.

A value that is not a plain number, or is too large for the database's INTEGER
(PostgreSQL's is 32-bit; `99999999999999999999` made SQLite raise OverflowError),
names nothing: callers treat it like an id that is not found and answer politely.
"""

from __future__ import annotations

import re

MAX_ID = 2**31 - 1
_DIGITS = re.compile(r"[0-9]{1,10}")


def parse_id(text: str) -> int | None:
    """The id `text` names, or None: ASCII digits only (no sign, no "²"), 1 to MAX_ID."""
    if not _DIGITS.fullmatch(text):
        return None
    value = int(text)
    return value if 1 <= value <= MAX_ID else None
