"""What every flow function is given: when, the organisation, the open unit of work, the
way to message other people (`notify`), and (for a person's turn) who acts. Scheduled jobs
get a Scene without a person."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.delivery.notifier import Notifier
from bot.domain.org import Organisation, Person
from storage.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class Scene:
    org: Organisation
    uow: UnitOfWork
    now: datetime  # aware UTC
    today: date  # the local date (the person's, or the organisation's)

    @property
    def notify(self) -> Notifier:
        """Messages to other people and channels, queued in this scene's transaction."""
        return Notifier(self.uow, self.now)


@dataclass(frozen=True, slots=True)
class Turn(Scene):
    person: Person
