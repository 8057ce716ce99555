"""Who decides a feasibility request: the supervisor chain, delegation while away, and
who may click Approve at all."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from bot.domain.org import Organisation, Person, Role

DECIDERS = (Role.SUPERVISOR, Role.MANAGER)


@dataclass(frozen=True, slots=True)
class Availability:
    away_until: date | None
    delegate: str | None

    def away_on(self, day: date) -> bool:
        return self.away_until is not None and day <= self.away_until


def availability(org: Organisation, stored: Mapping[str, Availability]) -> dict[str, Availability]:
    """What was said in chat wins; otherwise the organisation file's away and delegate."""
    merged: dict[str, Availability] = {}
    for person in org.people:
        said = stored.get(person.id)
        if said is not None and said.away_until is not None:
            merged[person.id] = said
        else:
            merged[person.id] = Availability(person.away_until, person.delegate)
    return merged


def chain_above(org: Organisation, person_id: str) -> list[Person]:
    chain: list[Person] = []
    person = org.person(person_id)
    while person is not None and person.supervisor is not None:
        person = org.person(person.supervisor)
        if person is None or person in chain:
            break
        chain.append(person)
    return chain


def route(
    org: Organisation,
    requester_id: str,
    today: date,
    available: Mapping[str, Availability],
    *,
    skip: Iterable[str] = (),
) -> str | None:
    """The nearest supervisor or manager above the requester who is here today
    (or their delegate, if they are away); None if nobody is."""
    skipped = set(skip) | {requester_id}

    def here(person_id: str) -> bool:
        status = available.get(person_id)
        return person_id not in skipped and not (status and status.away_on(today))

    candidates = [p for p in chain_above(org, requester_id) if p.role in DECIDERS]
    # Then any manager: a request must never sit with someone who is away.
    candidates += [p for p in org.people if p.role is Role.MANAGER and p not in candidates]
    for candidate in candidates:
        if here(candidate.id):
            return candidate.id
        delegate = (available.get(candidate.id) or Availability(None, None)).delegate
        if delegate and here(delegate):
            return delegate
    return None


def refusal(org: Organisation, decider: Person, requester_id: str, approver_id: str) -> str | None:
    """Why this person may not decide this request, or None if they may."""
    requester = org.person(requester_id)
    if decider.id == requester_id:
        return "You can't decide on your own request; it's with your supervisor."
    in_chain = any(p.id == decider.id for p in chain_above(org, requester_id))
    if in_chain or decider.role is Role.MANAGER or decider.id == approver_id:
        return None
    name = requester.first_name if requester else "the requester"
    return f"Sorry, only {name}'s supervisors or a manager can decide this request."
