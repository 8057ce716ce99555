"""The features the engine answers for, and the route table they make together.

Each feature module registers its own buttons, forms and commands (its `register`); a
new feature adds itself to FEATURES, and nothing else changes.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.features.admin import flow as admin
from bot.features.approvals import flow as approvals
from bot.features.assessor import flow as assessor
from bot.features.away import flow as away
from bot.features.feedback import flow as feedback
from bot.features.follow_up import flow as follow_up
from bot.features.general import flow as general
from bot.features.home import flow as home
from bot.features.knowledge import flow as knowledge
from bot.features.log import flow as log_action
from bot.features.nominations import flow as nominations
from bot.features.portfolio import flow as portfolio
from bot.features.prompts import flow as prompts
from bot.features.witness import flow as witness
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
    witness.register,
    knowledge.register,
    assessor.register,
)


def route_table() -> RouteTable:
    """Every feature's routes; a button, form or command registered twice is an error."""
    routes = RouteTable()
    for register in FEATURES:
        register(routes)
    return routes
