"""Shedding load early, so Slack and Teams hear back in time even when we are saturated.

Slack gives up on a request after 3 seconds (and retries it); Bot Framework after about
15. Past some number of requests in flight, each extra one only makes every answer
later, until none arrives in time. So each platform's route admits at most a set
number at once and answers any beyond that with 503 at once: Slack delivers it
again (after a moment, then a minute, then five), Bot Framework reports a failure
the sender sees, instead of everyone waiting past the deadline.

The middleware also records when each admitted request arrived (`ARRIVED`), so the
Slack listener counts its 2-second ack budget from arrival, queueing included
(adapters.slack.app), not from when the listener started.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from contextvars import ContextVar

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


class Overload:
    """Requests in flight per route (keyed by path, so a route that is not mounted costs
    nothing), and a 503 for any beyond its limit."""

    def __init__(self, limits: Mapping[str, int]) -> None:
        self.limits = dict(limits)
        self.in_flight = dict.fromkeys(self.limits, 0)
        self.shed = dict.fromkeys(self.limits, 0)
        self._warned = -WARN_EVERY

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        path = request.path
        limit = self.limits.get(path)
        if limit is None:
            return await handler(request)
        if self.in_flight[path] >= limit:
            return self._refuse(path, limit)
        self.in_flight[path] += 1
        token = ARRIVED.set(time.monotonic())
        try:
            return await handler(request)
        finally:
            ARRIVED.reset(token)
            self.in_flight[path] -= 1

    def _refuse(self, path: str, limit: int) -> web.Response:
        self.shed[path] += 1
        now = time.monotonic()
        if now - self._warned >= WARN_EVERY:
            self._warned = now
            log.warning(
                "overloaded: %d requests in flight on %s; answering 503 so the platform "
                "retries (%d shed so far)",
                limit,
                path,
                self.shed[path],
            )
        return web.Response(
            status=503, text="Busy: please try again shortly.", headers={"Retry-After": "1"}
        )
