"""People's names as the organisation file gives them."""

from __future__ import annotations

from bot.domain.org import Organisation


def person_name(org: Organisation, person_id: str) -> str:
    person = org.person(person_id)
    return person.name if person else person_id
