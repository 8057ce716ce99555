"""Parts of the organisation: who is below whom."""

from __future__ import annotations

from bot.domain.org import Organisation, Person


def below(org: Organisation, person_id: str) -> list[Person]:
    """Everyone whose supervisor chain passes through this person, in the file's order.

    Walks down from them (one pass over the people), not up from everyone: a
    manager of thousands is asked for weekly."""
    reports: dict[str, list[str]] = {}
    for person in org.people:
        if person.supervisor is not None:
            reports.setdefault(person.supervisor, []).append(person.id)
    found: set[str] = set()
    waiting = list(reports.get(person_id, []))
    while waiting:
        current = waiting.pop()
        if current in found or current == person_id:
            continue  # a loop in the file's chain
        found.add(current)
        waiting += reports.get(current, [])
    return [p for p in org.people if p.id in found]
