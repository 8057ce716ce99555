"""A local server that answers the Bot Framework connector's REST calls like the real
service (the parts Teams bots use) and records every call."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer


@dataclass
class ConnectorCall:
    verb: str
    path: str
    conversation_id: str
    activity_id: str | None
    body: dict[str, Any]
    headers: dict[str, str]


@dataclass
class FakeConnector:
    calls: list[ConnectorCall] = field(default_factory=list)
    team_members: list[dict[str, Any]] = field(default_factory=list)
    fail_next: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _server: TestServer | None = None
    _changed: asyncio.Condition = field(default_factory=asyncio.Condition)

    async def start(self) -> None:
        app = web.Application()
        conversation = "/v3/conversations/{conversation_id}"
        app.router.add_post("/v3/conversations", self._create_conversation)
        app.router.add_post(conversation + "/activities", self._send)
        app.router.add_post(conversation + "/activities/{activity_id}", self._send)
        app.router.add_put(conversation + "/activities/{activity_id}", self._update)
        app.router.add_get(conversation + "/pagedmembers", self._paged_members)
        self._server = TestServer(app, host="127.0.0.1", port=0)
        await self._server.start_server()

    async def close(self) -> None:
        if self._server is not None:
            await self._server.close()

    @property
    def service_url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.port}/"

    # --- what tests look at -----------------------------------------------------------------

    def sent(self) -> list[ConnectorCall]:
        return [c for c in self.calls if c.verb == "POST" and "/activities" in c.path]

    async def wait_for_sent(self, count: int = 1, within: float = 5.0) -> list[ConnectorCall]:
        async with asyncio.timeout(within), self._changed:
            await self._changed.wait_for(lambda: len(self.sent()) >= count)
        return self.sent()

    async def wait_until(self, done: Callable[[], bool], within: float = 5.0) -> None:
        """Wait until `done()` holds; it is checked each time a call arrives."""
        async with asyncio.timeout(within), self._changed:
            await self._changed.wait_for(done)

    def cards(self, call: ConnectorCall) -> list[dict[str, Any]]:
        return [
            a["content"]
            for a in call.body.get("attachments") or []
            if a.get("contentType") == "application/vnd.microsoft.card.adaptive"
        ]

    # --- the connector ------------------------------------------------------------------------

    async def _record(self, request: web.Request) -> ConnectorCall | web.Response:
        body = await request.json() if request.can_read_body else {}
        call = ConnectorCall(
            request.method,
            request.path,
            request.match_info.get("conversation_id", ""),
            request.match_info.get("activity_id"),
            body,
            dict(request.headers),
        )
        async with self._changed:
            self.calls.append(call)
            self._changed.notify_all()
        if self.fail_next:
            status, headers = self.fail_next.pop(0)
            return web.json_response(
                {"error": {"code": "ServiceError", "message": "failed"}},
                status=status,
                headers=headers,
            )
        return call

    async def _send(self, request: web.Request) -> web.Response:
        call = await self._record(request)
        if isinstance(call, web.Response):
            return call
        if call.body.get("type") not in ("message", "typing", "invoke"):
            return web.json_response({"error": {"code": "BadArgument"}}, status=400)
        return web.json_response({"id": f"1:{next(self._ids)}"}, status=201)

    async def _update(self, request: web.Request) -> web.Response:
        call = await self._record(request)
        if isinstance(call, web.Response):
            return call
        return web.json_response({"id": call.activity_id})

    async def _create_conversation(self, request: web.Request) -> web.Response:
        call = await self._record(request)
        if isinstance(call, web.Response):
            return call
        members = call.body.get("members") or []
        channel_data = call.body.get("channelData") or {}
        tenant = channel_data.get("tenant", {}).get("id")
        channel = channel_data.get("channel", {}).get("id")
        if channel and tenant and call.body.get("isGroup"):
            # A new thread in a team channel.
            return web.json_response(
                {
                    "id": f"{channel};messageid={next(self._ids)}",
                    "activityId": f"1:{next(self._ids)}",
                },
                status=201,
            )
        if len(members) != 1 or call.body.get("isGroup") or not tenant:
            return web.json_response(
                {"error": {"code": "BadArgument", "message": "one member and a tenant"}}, status=400
            )
        return web.json_response(
            {"id": f"a:personal-{members[0]['id']}", "activityId": f"1:{next(self._ids)}"},
            status=201,
        )

    async def _paged_members(self, request: web.Request) -> web.Response:
        call = await self._record(request)
        if isinstance(call, web.Response):
            return call
        return web.json_response({"members": self.team_members})
