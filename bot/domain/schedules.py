"""When a weekly run is due, in local time: daylight saving, grace for missed runs,
public holidays."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from bot.domain.org import Organisation, Person, WeeklyTime


def latest_occurrence(weekly: WeeklyTime, timezone: str, at: datetime) -> datetime:
    """The most recent scheduled moment at or before `at`, as a local (aware) time.

    Computed on the local calendar, so "mon 09:30" stays 09:30 across a clock change.
    """
    tz = ZoneInfo(timezone)
    local = at.astimezone(tz)
    day = local.date() - timedelta(days=(local.weekday() - weekly.day) % 7)
    occurrence = datetime.combine(day, weekly.at, tzinfo=tz)
    if occurrence > local:
        occurrence = datetime.combine(day - timedelta(days=7), weekly.at, tzinfo=tz)
    return occurrence


def due(weekly: WeeklyTime, timezone: str, at: datetime, grace_hours: int) -> datetime | None:
    """The occurrence to act on now, or None if the latest one is past its grace."""
    occurrence = latest_occurrence(weekly, timezone, at)
    if at - occurrence.astimezone(at.tzinfo) > timedelta(hours=grace_hours):
        return None
    return occurrence


def timezone_of(
    org: Organisation, person: Person, reported: Mapping[str, str] | None = None
) -> str:
    """The organisation file's zone for the person, else what their platform reports,
    else the organisation's."""
    return person.timezone or (reported or {}).get(person.id) or org.organisation.timezone


@lru_cache(maxsize=16)
def _holidays(country: str, region: str | None, year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays(country, subdiv=region, years=year))


def is_public_holiday(org: Organisation, day: date) -> bool:
    info = org.organisation
    return day in _holidays(info.country, info.region, day.year)
