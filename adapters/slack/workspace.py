"""The workspace check: Slack payloads from any workspace but the installed one are refused.

Slack signs every request with the app's signing secret, whichever workspace it comes
from (an app installed in two workspaces, or a Slack Connect channel). User ids are
only meaningful within a workspace, so a payload from elsewhere that names a known
user id must not act as that person. The installed workspace is SLACK_TEAM_ID, else
what auth.test says at start. A payload must name it (`team_id`, `team.id`, or, when
the team is null as in org-wide installs, `user.team_id`) and name no other.

Refusals are 200s with a word to the person, never 403s: Slack shows a 403 as its
own vague error ("failed with the error http_client_error", or a warning sign on
the button) and retries events that do not get a 200 until it disables them. So:
a command gets an ephemeral reply in the response body (only that person sees it);
a form submission gets its modal replaced by a notice; a click or message shortcut
gets an ephemeral message through its response_url (our bot token belongs to our
workspace and cannot post in theirs); an event is acknowledged and dropped.
Registered as bolt middleware, so Socket Mode payloads are checked the same way.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from slack_bolt.middleware.async_middleware import AsyncMiddleware
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from adapters.slack.payloads import payload_kind

log = logging.getLogger(__name__)

REFUSAL = (
    "Extra Mile isn't set up for this Slack workspace, so I can't act on that here. "
    "Please use it in the workspace your organisation installed it in."
)
# Payloads that carry no workspace and act on nothing (bolt answers them itself).
UNCHECKED = ("url_verification", "ssl_check")
JSON: dict[str, str | Sequence[str]] = {"content-type": ["application/json; charset=utf-8"]}
# What auth.test may fail with: Slack's answer, or no answer.
UNREACHABLE = (SlackApiError, aiohttp.ClientError, OSError, TimeoutError)
START_TIMEOUT = 10.0  # seconds: an unreachable Slack must not hold up the start


def workspaces_named(body: dict[str, Any]) -> set[object]:
    """Every workspace id a payload names for itself (not for an event's author, who may
    be an external member of a shared channel)."""
    named: set[object] = set()
    team = body.get("team")
    if isinstance(team, dict):
        named.add(team.get("id"))
    elif team is not None:
        named.add(team)
    if "team_id" in body:
        named.add(body.get("team_id"))
    view = body.get("view")
    if isinstance(view, dict) and "team_id" in view:
        named.add(view.get("team_id"))
    user = body.get("user")
    if not named and isinstance(user, dict) and "team_id" in user:
        named.add(user.get("team_id"))  # org-wide installs send "team": null
    return named


class WorkspaceGuard(AsyncMiddleware):
    def __init__(self, *, team_id: str | None, client: AsyncWebClient) -> None:
        self._team_id = team_id
        self._client = client
        self._told: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        """Learn the installed workspace now (auth.test) if it was not configured; if Slack
        cannot say, the first request asks again."""
        try:
            async with asyncio.timeout(START_TIMEOUT):
                team = await self.installed()
        except UNREACHABLE as error:
            log.warning("auth.test failed at start (%r); the first request asks again", error)
            return
        log.info("Slack workspace %s: payloads from any other are refused", team)

    async def installed(self) -> str:
        if self._team_id is None:
            answer = await self._client.auth_test()
            self._team_id = str(answer["team_id"])
        return self._team_id

    async def admits(self, body: dict[str, Any]) -> bool:
        """Whether the payload comes from the installed workspace (and names no other).
        Raises one of UNREACHABLE while Slack cannot say which workspace is ours."""
        return workspaces_named(body) == {await self.installed()}

    async def async_process(
        self,
        *,
        req: AsyncBoltRequest,
        resp: BoltResponse,
        next: Callable[[], Awaitable[BoltResponse]],
    ) -> BoltResponse:
        body = req.body
        kind = payload_kind(body)
        if kind in UNCHECKED or "ssl_check" in body:
            return await next()
        try:
            if await self.admits(body):
                return await next()
        except UNREACHABLE as error:
            log.warning("cannot tell which Slack workspace is ours yet: %s", error)
            return BoltResponse(status=503, body="")  # Slack delivers it again
        log.warning(
            "refused a Slack %s from workspace %s: installed in %s",
            kind or "payload",
            ", ".join(sorted(map(repr, workspaces_named(body)))) or "(none named)",
            self._team_id,
        )
        return self._refusal(kind, body)

    def _refusal(self, kind: str, body: dict[str, Any]) -> BoltResponse:
        if kind == "command":
            answer: dict[str, object] = {"response_type": "ephemeral", "text": REFUSAL}
            return BoltResponse(status=200, body=json.dumps(answer), headers=JSON)
        if kind == "view_submission":
            notice = {
                "type": "modal",
                "title": {"type": "plain_text", "text": "Extra Mile"},
                "close": {"type": "plain_text", "text": "Close"},
                "blocks": [{"type": "section", "text": {"type": "plain_text", "text": REFUSAL}}],
            }
            answer = {"response_action": "update", "view": notice}
            return BoltResponse(status=200, body=json.dumps(answer), headers=JSON)
        url = body.get("response_url")
        if isinstance(url, str) and self._is_slack(url):
            task = asyncio.ensure_future(self._tell(url))
            self._told.add(task)
            task.add_done_callback(self._told.discard)
        return BoltResponse(status=200, body="")

    def _is_slack(self, url: str) -> bool:
        """A response_url on Slack's own hosts (or the API host configured, e.g. a test's):
        nothing in a payload sends us anywhere else."""
        parts, api = urlsplit(url), urlsplit(self._client.base_url)
        host = parts.hostname or ""
        on_slack = parts.scheme == "https" and (host == "slack.com" or host.endswith(".slack.com"))
        return on_slack or (parts.scheme, parts.netloc) == (api.scheme, api.netloc)

    async def _tell(self, url: str) -> None:
        try:
            async with asyncio.timeout(10):
                await AsyncWebhookClient(url).send(
                    text=REFUSAL, response_type="ephemeral", replace_original=False
                )
        except Exception as error:  # a courtesy: its failure changes nothing
            log.info("could not tell a refused clicker: %s", type(error).__name__)
