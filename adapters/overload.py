"""Shedding load early, so Slack and Teams hear back in time even when we are saturated.

Slack gives up on a request after 3 seconds; Bot Framework after about 15. Past some
load, each extra request in flight only makes every answer later, until none arrives
in time. So each platform's route refuses newcomers with 503 at once (Slack delivers
events again; a person sees the command or click fail at once instead of after the
timeout; Bot Framework reports the failure) when it is behind:

- a backlog: `backlog` requests in flight have already waited longer than `shed_after`
  (so a few slow requests, a portfolio PDF, do not shed anyone), or
- `max_in_flight` requests are in flight (a hard cap on the work in hand).

The first adapts to the machine (its speed, its database, its other load); the second
bounds memory whatever happens. Once the backlog clears, requests are admitted again.

The middleware also records when each admitted request arrived (`ARRIVED`), so the
Slack listener counts its 2-second ack budget from arrival, queueing included
(adapters.slack.app), not from when the listener started.
"""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field

from aiohttp import web
from aiohttp.typedefs import Handler

log = logging.getLogger(__name__)

# When the request being handled reached its route (time.monotonic()); None outside one.
ARRIVED: ContextVar[float | None] = ContextVar("extramile_arrived", default=None)
WARN_EVERY = 10.0  # seconds: one warning per burst of shedding, not one per request


def waited() -> float:
    """Seconds since the request being handled arrived (0 outside an HTTP request, e.g. a
    Socket Mode envelope)."""
    arrived = ARRIVED.get()
    return 0.0 if arrived is None else time.monotonic() - arrived


def longest_wait() -> float:
    """Seconds the longest-waiting request in flight on this request's route has waited
    so far (0 outside an HTTP request): how far the route is behind."""
    current = _ROUTE.get()
    if current is None or not current[0].arrivals:
        return 0.0
    route, clock = current
    return clock() - next(iter(route.arrivals.values()))


@dataclass(frozen=True, slots=True)
class Limit:
    max_in_flight: int
    shed_after: float  # seconds a request may wait before it counts towards a backlog
    backlog: int = 8


@dataclass
class _Route:
    limit: Limit
    arrivals: dict[int, float] = field(default_factory=dict)  # in order of arrival
    shed: int = 0

    def behind(self, now: float) -> bool:
        waiting = len(self.arrivals)
        if waiting >= self.limit.max_in_flight:
            return True
        if waiting < self.limit.backlog:
            return False
        # The backlog-th oldest request in flight: has it waited too long already?
        arrived = next(itertools.islice(self.arrivals.values(), self.limit.backlog - 1, None))
        return now - arrived > self.limit.shed_after


# The route of the request being handled (its requests in flight); None outside one.
_ROUTE: ContextVar[tuple[_Route, Callable[[], float]] | None] = ContextVar(
    "extramile_route", default=None
)


class Overload:
    """Requests in flight per route (keyed by path, so a route that is not mounted costs
    nothing), and a 503 for newcomers while the route is behind."""

    def __init__(
        self, limits: Mapping[str, Limit], *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._routes = {path: _Route(limit) for path, limit in limits.items()}
        self._clock = clock
        self._ids = itertools.count()
        self._warned = -WARN_EVERY

    @property
    def in_flight(self) -> dict[str, int]:
        return {path: len(route.arrivals) for path, route in self._routes.items()}

    @property
    def shed(self) -> dict[str, int]:
        return {path: route.shed for path, route in self._routes.items()}

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        route = self._routes.get(request.path)
        if route is None:
            return await handler(request)
        now = self._clock()
        if route.behind(now):
            return self._refuse(request.path, route)
        key = next(self._ids)
        route.arrivals[key] = now
        token, current = ARRIVED.set(time.monotonic()), _ROUTE.set((route, self._clock))
        try:
            return await handler(request)
        finally:
            ARRIVED.reset(token)
            _ROUTE.reset(current)
            del route.arrivals[key]

    def _refuse(self, path: str, route: _Route) -> web.Response:
        route.shed += 1
        now = time.monotonic()
        if now - self._warned >= WARN_EVERY:
            self._warned = now
            log.warning(
                "overloaded: %d requests in flight on %s; answering 503 at once so the "
                "caller retries, rather than late (%d shed so far)",
                len(route.arrivals),
                path,
                route.shed,
            )
        return web.Response(
            status=503, text="Busy: please try again shortly.", headers={"Retry-After": "1"}
        )
