"""The organisation file's checked field types: time zones, schedules, e-mail addresses."""

from __future__ import annotations

import re
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator

SCHEDULE = re.compile(r"^(mon|tue|wed|thu|fri|sat|sun) ([01]\d|2[0-3]):([0-5]\d)$")


def _valid_timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"unknown time zone {name!r} (use an IANA name such as Europe/London)"
        ) from None
    return name


def _valid_schedule(text: str) -> str:
    if not SCHEDULE.match(text):
        raise ValueError(f"bad schedule {text!r}: write a day and a 24-hour time, e.g. 'mon 09:30'")
    return text


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _valid_email(text: str) -> str:
    if len(text) > 254 or not _EMAIL.match(text):
        raise ValueError(f"not an e-mail address: {text!r}")
    return text.lower()


TimeZoneName = Annotated[str, AfterValidator(_valid_timezone)]
EmailAddress = Annotated[str, AfterValidator(_valid_email)]
ScheduleText = Annotated[str, AfterValidator(_valid_schedule)]
