"""The inbox's records (bot.intake): a request as it arrived, and a row of the inbox."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Arrival:
    """A checked request, as received: what its platform's handler needs to replay it."""

    platform: str
    key: str  # the platform's id for it: a redelivery carries the same
    lane: str  # a conversation whose requests are replayed in order ("": none)
    body: str
    meta: Mapping[str, object]  # headers, query, the caller's verified identity...


@dataclass(frozen=True, slots=True)
class Received:
    id: int
    attempts: int
    arrival: Arrival
