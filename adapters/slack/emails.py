"""People given by e-mail: their Slack ids, looked up once at start-up."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.engine import Engine

log = logging.getLogger(__name__)


async def resolve_by_email(client: AsyncWebClient, engine: Engine) -> None:
    """users.lookupByEmail for everyone with an e-mail and no Slack id yet."""
    org = engine.org
    for person in org.people:
        if person.email is None or person.slack is not None:
            continue
        if org.learned_id(person.id, "slack") is not None:
            continue
        try:
            found = await client.users_lookupByEmail(email=person.email)
        except SlackApiError as error:
            log.info("%s not found on Slack: %s", person.id, error.response.get("error"))
            continue
        user = found.get("user") or {}
        if user.get("id"):
            await engine.learn(person.id, "slack", str(user["id"]))
