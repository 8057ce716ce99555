"""The nomination rule (3.5, K9): an action seen working several times, for several
people, over several weeks, is proposed for the routine service offer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.domain.actions import CARRIED_OUT, AffectedOthers
from bot.domain.org import NominationRule
from bot.domain.records import Evidence, SuccessCounts


def succeeded(action: Evidence) -> bool:
    """Carried out, with a good outcome or positive feedback, and no marked effect on
    other customers (a follow-up answer of "yes, it affected them")."""
    good = bool(action.customer_aware or action.customer_noticed or action.positive_words)
    return action.status in CARRIED_OUT and good and action.affected_others != AffectedOthers.YES


@dataclass(frozen=True, slots=True)
class Tally:
    successes: int
    people: int
    weeks: int

    def meets(self, rule: NominationRule) -> bool:
        return (
            self.successes >= rule.min_successes
            and self.people >= rule.min_people
            and self.weeks >= rule.min_weeks
        )


def from_counts(counts: SuccessCounts | None) -> Tally:
    """The same figures, counted by the database (storage.practices.success_counts)."""
    return Tally(counts.successes, counts.people, counts.weeks) if counts else Tally(0, 0, 0)


def tally(actions: Sequence[Evidence]) -> Tally:
    wins = [a for a in actions if succeeded(a)]
    weeks = {a.occurred_on.isocalendar()[:2] for a in wins}
    return Tally(len(wins), len({a.person_id for a in wins}), len(weeks))
