"""What every flow function is given: when, the organisation, the open unit of work, and
(for a person's turn) who acts. Scheduled jobs get a Scene without a person."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.org import Organisation, Person
from storage.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class Scene:
    org: Organisation
    uow: UnitOfWork
    now: datetime  # aware UTC
    today: date  # the local date (the person's, or the organisation's)


@dataclass(frozen=True, slots=True)
class Turn(Scene):
    person: Person
