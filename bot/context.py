"""What every flow function is given: when, the organisation, the open unit of work, the
way to message other people (`notify`), and (for a person's turn) who acts. Scheduled jobs
get a Scene without a person."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from bot.delivery.notifier import Notifier
from bot.domain.org import Organisation, Person
from bot.messages import Outbound
from storage.uow import UnitOfWork

# Draws an answer (a chart, a PDF) once the turn has committed; see Turn.after_commit.
Drawing = Callable[[], Awaitable[list[Outbound]]]
# What to do in a transaction of its own after the answer (see Turn.after_answer).
InTransaction = Callable[["Turn"], Awaitable[list[Outbound]]]
# Work for after the answer: its slow part, with no transaction open, returns the rest.
Later = Callable[[], Awaitable[InTransaction]]


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
    drawings: list[Drawing] = field(default_factory=list, compare=False)
    later: list[Later] = field(default_factory=list, compare=False)

    def after_commit(self, drawing: Drawing) -> list[Outbound]:
        """Answer with what `drawing` makes, drawn after this turn's transaction has
        committed: slow rendering never holds the database (nor, being drawn in the
        drawing process, the event loop). Returns no replies for now."""
        self.drawings.append(drawing)
        return []

    def after_answer(self, work: Later) -> None:
        """Work whose answer follows the turn's own (the practice question after a save),
        run once this turn has committed: its slow part (working out a deed's embedding)
        with no transaction open, the rest in a short one of its own, on a new turn. On a
        platform whose answers are queued (the outbox) it does not hold up the turn's
        answer; elsewhere (the console, the engine alone) its answer is added to it."""
        self.later.append(work)
