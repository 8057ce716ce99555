"""Parts of the organisation: who is below whom."""

from __future__ import annotations

from bot.approvers import chain_above
from bot.org import Organisation, Person


def below(org: Organisation, person_id: str) -> list[Person]:
    """Everyone whose supervisor chain passes through this person."""
    return [p for p in org.people if any(b.id == person_id for b in chain_above(org, p.id))]


def team_name(org: Organisation, person: Person) -> str:
    """The team someone is in, named after their supervisor."""
    boss = org.person(person.supervisor) if person.supervisor else None
    return f"{boss.first_name}'s team" if boss else "No team"
