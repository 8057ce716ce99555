"""Drive the real server's Slack route with correctly signed requests in Slack's formats."""

from __future__ import annotations

import itertools
import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient
from slack_sdk.signature import SignatureVerifier

from tests.fakes.fake_slack import SIGNING_SECRET, FakeSlack

_ids = itertools.count(1)
TEAM = {"id": "T0RIVER01", "domain": "riverside"}


def next_id(prefix: str) -> str:
    return f"{prefix}{next(_ids):06d}"


@dataclass
class SlackDriver:
    client: TestClient  # type: ignore[type-arg]
    fake: FakeSlack
    secret: str = SIGNING_SECRET

    def sign(self, body: str, timestamp: int | None = None) -> dict[str, str]:
        stamp = str(timestamp if timestamp is not None else int(time.time()))
        signature = SignatureVerifier(self.secret).generate_signature(timestamp=stamp, body=body)
        return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": signature}

    async def post_raw(
        self,
        body: str,
        *,
        content_type: str,
        headers: dict[str, str] | None = None,
        signed: bool = True,
    ) -> ClientResponse:
        all_headers = {"Content-Type": content_type, **(self.sign(body) if signed else {})}
        all_headers.update(headers or {})
        return await self.client.post("/slack/events", data=body.encode(), headers=all_headers)

    async def command(
        self, user: str, text: str = "", channel: str = "C0SHOPFLR", trigger_id: str | None = None
    ) -> ClientResponse:
        body = urlencode(
            {
                "token": "legacy",
                "team_id": TEAM["id"],
                "team_domain": TEAM["domain"],
                "channel_id": channel,
                "channel_name": "shop-floor",
                "user_id": user,
                "user_name": user.lower(),
                "command": "/extramile",
                "text": text,
                "api_app_id": "A0EXTRA01",
                "is_enterprise_install": "false",
                "response_url": self.fake.response_url(),
                "trigger_id": trigger_id or next_id("tr."),
            }
        )
        return await self.post_raw(body, content_type="application/x-www-form-urlencoded")

    async def interactive(
        self, payload: dict[str, Any], *, retry: int | None = None
    ) -> ClientResponse:
        body = urlencode({"payload": json.dumps(payload)})
        return await self.post_raw(
            body, content_type="application/x-www-form-urlencoded", headers=_retry_headers(retry)
        )

    async def event(
        self, event: dict[str, Any], *, event_id: str | None = None, retry: int | None = None
    ) -> ClientResponse:
        envelope = {
            "token": "legacy",
            "team_id": TEAM["id"],
            "api_app_id": "A0EXTRA01",
            "event": event,
            "type": "event_callback",
            "event_id": event_id or next_id("Ev"),
            "event_time": int(time.time()),
            "authorizations": [{"team_id": TEAM["id"], "user_id": "UBOTEXTRA", "is_bot": True}],
        }
        return await self.post_raw(
            json.dumps(envelope), content_type="application/json", headers=_retry_headers(retry)
        )

    async def dm(
        self, user: str, text: str, *, event_id: str | None = None, retry: int | None = None
    ) -> ClientResponse:
        return await self.event(
            {
                "type": "message",
                "channel": "D" + user[1:],
                "user": user,
                "text": text,
                "ts": f"{time.time():.6f}",
                "event_ts": f"{time.time():.6f}",
                "channel_type": "im",
            },
            event_id=event_id,
            retry=retry,
        )

    async def click(
        self, user: str, message: dict[str, Any], label: str, channel: str | None = None
    ) -> ClientResponse:
        """Click the button labelled `label` on a message the bot posted (as recorded)."""
        return await self.interactive(self.click_payload(user, message, label, channel))

    def click_payload(
        self, user: str, message: dict[str, Any], label: str, channel: str | None = None
    ) -> dict[str, Any]:
        """The block_actions payload Slack sends for that click (to send, or send again)."""
        button = find_button(message["blocks"], label)
        channel = channel or message.get("channel") or "D" + user[1:]
        return {
            "type": "block_actions",
            "user": {"id": user, "username": user.lower(), "team_id": TEAM["id"]},
            "api_app_id": "A0EXTRA01",
            "token": "legacy",
            "team": TEAM,
            "container": {
                "type": "message",
                "message_ts": message.get("ts", "1.1"),
                "channel_id": channel,
                "is_ephemeral": False,
            },
            "trigger_id": next_id("tr."),
            "channel": {"id": channel, "name": "directmessage"},
            "message": {
                "type": "message",
                "ts": message.get("ts", "1.1"),
                "text": message.get("text", ""),
                "blocks": message["blocks"],
            },
            "response_url": self.fake.response_url(),
            "actions": [{**button, "block_id": "b", "action_ts": f"{time.time():.6f}"}],
        }

    async def submit_view(
        self, user: str, view: dict[str, Any], values: dict[str, str]
    ) -> ClientResponse:
        """Submit a modal the bot opened, with `values` typed into it (by block id)."""
        state: dict[str, dict[str, dict[str, Any]]] = {}
        for block in view["blocks"]:
            if block.get("type") != "input":
                continue
            element = block["element"]
            name = block["block_id"]
            typed = values.get(name, _initial(element))
            state[name] = {element["action_id"]: _state_of(element, typed)}
        return await self.interactive(
            {
                "type": "view_submission",
                "team": TEAM,
                "user": {"id": user, "username": user.lower(), "team_id": TEAM["id"]},
                "api_app_id": "A0EXTRA01",
                "token": "legacy",
                "trigger_id": next_id("tr."),
                "view": {
                    **view,
                    "id": view.get("id", "V1"),
                    "team_id": TEAM["id"],
                    "state": {"values": state},
                    "hash": next_id("h."),
                },
                "response_urls": [],
            }
        )

    def posted(self, index: int = -1) -> dict[str, Any]:
        call = self.fake.of("chat.postMessage")[index]
        return {**call.params, "ts": f"1700000000.{index}"}


def _retry_headers(retry: int | None) -> dict[str, str] | None:
    """What Slack adds when it delivers a request again (it retries up to 3 times)."""
    if not retry:
        return None
    return {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_error"}


def find_button(blocks: list[dict[str, Any]], label: str) -> dict[str, Any]:
    for block in blocks:
        for element in block.get("elements", []):
            if element.get("type") == "button" and element["text"]["text"] == label:
                return {
                    "type": "button",
                    "action_id": element["action_id"],
                    "value": element.get("value"),
                    "text": element["text"],
                }
    labels = [
        e["text"]["text"]
        for b in blocks
        for e in b.get("elements", [])
        if e.get("type") == "button"
    ]
    raise AssertionError(f"no button {label!r}; buttons: {labels}")


def all_text(blocks: list[dict[str, Any]]) -> str:
    """Every text a person would read in these blocks."""
    out: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("text"), str):
                out.append(node["text"])
            for value in node.values():
                if isinstance(value, dict | list):
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(blocks)
    return "\n".join(out)


def _initial(element: dict[str, Any]) -> str:
    if element["type"] in ("static_select", "radio_buttons"):
        return (element.get("initial_option") or {}).get("value", "")
    if element["type"] == "checkboxes":
        return ",".join(o["value"] for o in element.get("initial_options") or [])
    if element["type"] == "datepicker":
        return element.get("initial_date", "")
    return element.get("initial_value", "")


def _state_of(element: dict[str, Any], typed: str) -> dict[str, Any]:
    kind = element["type"]
    if kind in ("static_select", "radio_buttons"):
        option = next((o for o in element["options"] if o["value"] == typed), None)
        return {"type": kind, "selected_option": option}
    if kind == "checkboxes":  # `typed`: the ticked options' values, comma-separated
        ticked = set(typed.split(","))
        return {
            "type": kind,
            "selected_options": [o for o in element["options"] if o["value"] in ticked],
        }
    if kind == "datepicker":
        return {"type": kind, "selected_date": typed or None}
    return {"type": kind, "value": typed or None}
