"""A local server that answers like Slack's Web API (and Socket Mode), and records every call.

It checks what real Slack would refuse (bad token, a trigger id used twice,
too many blocks, a modal title over 24 characters), so a test cannot pass on a
request Slack would reject. Failures can be injected per method.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web
from aiohttp.test_utils import TestServer

TOKEN = "xoxb-test-token"
APP_TOKEN = "xapp-1-test"
SIGNING_SECRET = "test-signing-secret"
BOT_USER = "UBOTEXTRA"


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    headers: dict[str, str]
    response: dict[str, Any] = field(default_factory=dict)


@dataclass
class Failure:
    status: int
    body: dict[str, Any]
    headers: dict[str, str]
    times: int


@dataclass
class FakeSlack:
    calls: list[Call] = field(default_factory=list)
    failures: dict[str, list[Failure]] = field(default_factory=dict)
    used_triggers: set[str] = field(default_factory=set)
    socket_acks: list[dict[str, Any]] = field(default_factory=list)
    uploads: dict[str, bytes] = field(default_factory=dict)
    timezones: dict[str, str] = field(default_factory=dict)  # users.info answers
    emails: dict[str, str] = field(default_factory=dict)  # users.lookupByEmail answers
    messages: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # delivered
    delay: float = 0.0  # seconds each Web API call takes
    rate_limit: Callable[[str], float | None] | None = None
    _server: TestServer | None = None
    _ts: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _sockets: list[web.WebSocketResponse] = field(default_factory=list)
    _changed: asyncio.Condition = field(default_factory=asyncio.Condition)

    # --- running ------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/api/{method}", self._api)
        app.router.add_get("/api/{method}", self._api)  # e.g. conversations.history
        app.router.add_post("/response/{key}", self._response_url)
        app.router.add_get("/socket", self._socket)
        app.router.add_post("/upload/{file_id}", self._upload)
        self._server = TestServer(app, host="127.0.0.1", port=0)
        await self._server.start_server()

    async def close(self) -> None:
        for socket in self._sockets:
            await socket.close()
        if self._server is not None:
            await self._server.close()

    @property
    def base(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.port}"

    @property
    def api_url(self) -> str:
        return f"{self.base}/api/"

    def response_url(self, key: str = "r1") -> str:
        return f"{self.base}/response/{key}"

    # --- what tests look at -----------------------------------------------------------

    def of(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    async def wait_until(self, done: Any, within: float = 5.0) -> None:
        """Wait until `done()` holds; it is checked each time a call arrives."""
        async with asyncio.timeout(within), self._changed:
            await self._changed.wait_for(done)

    async def wait_for(self, method: str, count: int = 1, within: float = 5.0) -> list[Call]:
        async with asyncio.timeout(within), self._changed:
            await self._changed.wait_for(lambda: len(self.of(method)) >= count)
        return self.of(method)

    def fail(
        self,
        method: str,
        *,
        status: int = 200,
        error: str = "",
        times: int = 1,
        headers: dict[str, str] | None = None,
    ) -> None:
        body = {"ok": False, "error": error} if error else {"ok": False}
        self.failures.setdefault(method, []).append(Failure(status, body, headers or {}, times))

    # --- the Web API ----------------------------------------------------------------------

    async def _api(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        params = await _params(request)
        answer = await self._answer(method, params, request.headers.get("Authorization", ""))
        # A slow answer, like Slack's on a bad day: the work is done already, so a
        # client that gives up waiting has still posted its message.
        if self.delay:
            await asyncio.sleep(self.delay)
        return answer

    async def _answer(self, method: str, params: dict[str, Any], auth: str) -> web.Response:
        call = Call(method, params, {"Authorization": auth})
        await self._record(call)
        injected = self._injected(method)
        if injected is not None:
            return injected
        if self.rate_limit is not None and (wait := self.rate_limit(method)) is not None:
            return web.json_response(
                {"ok": False, "error": "ratelimited"},
                status=429,
                headers={"Retry-After": str(int(wait))},
            )
        token = auth.removeprefix("Bearer ")
        expected = APP_TOKEN if method == "apps.connections.open" else TOKEN
        if token != expected:
            return web.json_response({"ok": False, "error": "invalid_auth"})
        handler = getattr(self, "_" + method.replace(".", "_"), None)
        if handler is None:
            return web.json_response({"ok": False, "error": "unknown_method"})
        call.response = handler(params)
        return web.json_response(call.response)

    async def _record(self, call: Call) -> None:
        async with self._changed:
            self.calls.append(call)
            self._changed.notify_all()

    def _injected(self, method: str) -> web.Response | None:
        queue = self.failures.get(method)
        if not queue:
            return None
        failure = queue[0]
        failure.times -= 1
        if failure.times <= 0:
            queue.pop(0)
        return web.json_response(failure.body, status=failure.status, headers=failure.headers)

    def _auth_test(self, _: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "url": "https://riverside.slack.com/",
            "team": "Riverside",
            "user": "extramile",
            "team_id": "T0RIVER01",
            "user_id": BOT_USER,
            "bot_id": "B0EXTRA01",
            "is_enterprise_install": False,
        }

    def _conversations_open(self, params: dict[str, Any]) -> dict[str, Any]:
        users = str(params.get("users", ""))
        if not users.startswith(("U", "W")) or "," in users:
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "channel": {"id": "D" + users[1:]}}

    def _chat_postMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        blocks = params.get("blocks") or []
        if not params.get("channel"):
            return {"ok": False, "error": "channel_not_found"}
        if not params.get("text") and not blocks:
            return {"ok": False, "error": "no_text"}
        if len(blocks) > 50:
            return {"ok": False, "error": "invalid_blocks"}
        channel = str(params["channel"])
        if channel.startswith(("U", "W")):  # a user id: the app's DM with them
            channel = "D" + channel[1:]
        ts = f"1700000000.{next(self._ts):06d}"
        message = {"text": params.get("text"), "blocks": blocks, "ts": ts}
        if params.get("metadata"):
            metadata = params["metadata"]
            message["metadata"] = json.loads(metadata) if isinstance(metadata, str) else metadata
        self.messages.setdefault(channel, []).append(message)
        return {"ok": True, "channel": channel, "ts": ts, "message": message}

    def _chat_postEphemeral(self, params: dict[str, Any]) -> dict[str, Any]:
        """Seen only by `user`, in `channel` (a channel id; Slack wants both)."""
        blocks = params.get("blocks") or []
        if not params.get("channel"):
            return {"ok": False, "error": "channel_not_found"}
        if not str(params.get("user", "")).startswith(("U", "W")):
            return {"ok": False, "error": "user_not_in_channel"}
        if not params.get("text") and not blocks:
            return {"ok": False, "error": "no_text"}
        if len(blocks) > 50:
            return {"ok": False, "error": "invalid_blocks"}
        return {"ok": True, "message_ts": f"1700000000.{next(self._ts):06d}"}

    def _conversations_history(self, params: dict[str, Any]) -> dict[str, Any]:
        limit = int(params.get("limit", 100))
        found = list(reversed(self.messages.get(str(params.get("channel")), [])))[:limit]
        if str(params.get("include_all_metadata")).lower() not in ("true", "1"):
            found = [{k: v for k, v in m.items() if k != "metadata"} for m in found]
        return {"ok": True, "messages": found, "has_more": False}

    def _chat_update(self, params: dict[str, Any]) -> dict[str, Any]:
        if not params.get("channel") or not params.get("ts"):
            return {"ok": False, "error": "message_not_found"}
        return {"ok": True, "channel": params["channel"], "ts": params["ts"]}

    def _views_open(self, params: dict[str, Any]) -> dict[str, Any]:
        trigger = str(params.get("trigger_id", ""))
        if not trigger:
            return {"ok": False, "error": "invalid_arguments"}
        if trigger in self.used_triggers:
            return {"ok": False, "error": "expired_trigger_id"}
        self.used_triggers.add(trigger)
        problem = _view_problem(params.get("view") or {}, 100)
        if problem:
            return {
                "ok": False,
                "error": "invalid_arguments",
                "response_metadata": {"messages": [problem]},
            }
        return {"ok": True, "view": {"id": f"V{next(self._ts):08d}", **params["view"]}}

    def _views_publish(self, params: dict[str, Any]) -> dict[str, Any]:
        problem = _view_problem(params.get("view") or {}, 100)
        if problem or not params.get("user_id"):
            return {"ok": False, "error": "invalid_arguments"}
        return {"ok": True, "view": {"id": "VHOME", **params["view"]}}

    def _files_getUploadURLExternal(self, params: dict[str, Any]) -> dict[str, Any]:
        if not params.get("filename") or not str(params.get("length", "")).isdigit():
            return {"ok": False, "error": "invalid_arguments"}
        file_id = f"F{next(self._ts):08d}"
        self.uploads[file_id] = b""
        return {"ok": True, "upload_url": f"{self.base}/upload/{file_id}", "file_id": file_id}

    def _files_completeUploadExternal(self, params: dict[str, Any]) -> dict[str, Any]:
        files = params.get("files")
        files = json.loads(files) if isinstance(files, str) else files
        if not files or any(not self.uploads.get(f["id"]) for f in files):
            return {"ok": False, "error": "file_not_found"}
        return {"ok": True, "files": [{"id": f["id"], "title": f.get("title", "")} for f in files]}

    def _users_info(self, params: dict[str, Any]) -> dict[str, Any]:
        user = str(params.get("user", ""))
        zone = self.timezones.get(user, "Europe/London")
        return {"ok": True, "user": {"id": user, "tz": zone, "tz_label": zone}}

    def _users_lookupByEmail(self, params: dict[str, Any]) -> dict[str, Any]:
        user = self.emails.get(str(params.get("email", "")).lower())
        if user is None:
            return {"ok": False, "error": "users_not_found"}
        return {"ok": True, "user": {"id": user, "profile": {"email": params.get("email")}}}

    def _apps_connections_open(self, _: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "url": self.base.replace("http", "ws") + "/socket"}

    async def _upload(self, request: web.Request) -> web.Response:
        file_id = request.match_info["file_id"]
        if file_id not in self.uploads:
            return web.Response(status=404)
        self.uploads[file_id] = await request.read()
        await self._record(Call("upload", {"file_id": file_id}, dict(request.headers)))
        return web.Response(text=f"OK - {len(self.uploads[file_id])}")

    # --- response_url ---------------------------------------------------------------------

    async def _response_url(self, request: web.Request) -> web.Response:
        await self._record(Call("response_url", await request.json(), dict(request.headers)))
        return web.Response(text="ok")

    # --- Socket Mode ------------------------------------------------------------------------

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        async with self._changed:
            self._sockets.append(socket)
            self._changed.notify_all()
        await socket.send_json(
            {
                "type": "hello",
                "num_connections": 1,
                "connection_info": {"app_id": "A0EXTRA01"},
                "debug_info": {"host": "fake", "approximate_connection_time": 3600},
            }
        )
        async for message in socket:
            if message.type == WSMsgType.TEXT:
                data = json.loads(message.data)
                if "envelope_id" in data:
                    async with self._changed:
                        self.socket_acks.append(data)
                        self._changed.notify_all()
        return socket

    async def wait_for_socket(self, within: float = 5.0) -> None:
        async with asyncio.timeout(within), self._changed:
            await self._changed.wait_for(lambda: bool(self._sockets))

    async def push_envelope(self, envelope: dict[str, Any], within: float = 5.0) -> dict[str, Any]:
        """Send an envelope as Slack would and wait for the app's ack."""
        await self._sockets[-1].send_json(envelope)
        async with asyncio.timeout(within), self._changed:
            await self._changed.wait_for(
                lambda: any(a["envelope_id"] == envelope["envelope_id"] for a in self.socket_acks)
            )
        return next(a for a in self.socket_acks if a["envelope_id"] == envelope["envelope_id"])


def _view_problem(view: dict[str, Any], max_blocks: int) -> str | None:
    blocks = view.get("blocks") or []
    if not blocks or len(blocks) > max_blocks:
        return f"blocks: must have 1 to {max_blocks}"
    title = (view.get("title") or {}).get("text", "")
    if view.get("type") == "modal" and not 1 <= len(title) <= 24:
        return "title: must be 1 to 24 characters"
    block_ids = [b["block_id"] for b in blocks if "block_id" in b]
    if len(block_ids) != len(set(block_ids)):
        return "blocks: duplicate block_id"
    return None


async def _params(request: web.Request) -> dict[str, Any]:
    if request.content_type == "application/json":
        data = await request.json()
        return dict(data) if isinstance(data, dict) else {}
    form = await request.post()
    params: dict[str, Any] = {}
    for key, value in [*request.query.items(), *form.items()]:
        text = str(value)
        # The SDK form-encodes JSON arguments (blocks, view) as strings.
        if key in ("blocks", "view", "attachments") and text[:1] in "[{":
            params[key] = json.loads(text)
        else:
            params[key] = text
    return params
