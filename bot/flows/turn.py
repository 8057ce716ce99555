"""What every flow function is given: who acts, when, and the open unit of work."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.org import Organisation, Person
from storage.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class Turn:
    person: Person
    org: Organisation
    uow: UnitOfWork
    now: datetime  # aware UTC
    today: date  # the person's local date
