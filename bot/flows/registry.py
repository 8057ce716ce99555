"""The features the engine answers for, and the route table they make together.

Each feature module registers its own buttons, forms and commands (its `register`); a
new feature adds itself to FEATURES, and nothing else changes.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.flows import (
    admin,
    approvals,
    away,
    feedback,
    follow_up,
    general,
    home,
    log_action,
    nominations,
    portfolio,
    prompts,
)
from bot.routes import RouteTable

FEATURES: tuple[Callable[[RouteTable], None], ...] = (
    general.register,
    home.register,
    log_action.register,
    feedback.register,
    follow_up.register,
    approvals.register,
    nominations.register,
    prompts.register,
    portfolio.register,
    away.register,
    admin.register,
)


def route_table() -> RouteTable:
    """Every feature's routes; a button, form or command registered twice is an error."""
    routes = RouteTable()
    for register in FEATURES:
        register(routes)
    return routes
