"""Drive the real server's Teams route with Activity JSON in Teams' documented shapes."""

from __future__ import annotations

import itertools
import json
import socket
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient
from jsonschema import Draft6Validator

from tests.fakes.fake_connector import FakeConnector

SCHEMAS = Path(__file__).resolve().parent.parent / "data" / "schemas"  # README.md there: sources
TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
BOT = {"id": "28:extramile-bot", "name": "Extra Mile"}
ASHA = {
    "id": "29:1asha-teams-id",
    "name": "Asha Patel",
    "aadObjectId": "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c05",
}
SAM = {
    "id": "29:1sam-teams-id",
    "name": "Sam Okafor",
    "aadObjectId": "5c9e1a2b-7f3d-4e8a-b6c2-1d0f9e8a7b02",
}
STRANGER = {
    "id": "29:1stranger",
    "name": "Pat Jones",
    "aadObjectId": "99999999-0000-4000-8000-000000000000",
}
_ids = itertools.count(1)


def card_validator() -> Draft6Validator:
    schema = json.loads((SCHEMAS / "adaptive-card-1.5.json").read_text(encoding="utf-8"))
    return Draft6Validator(schema)


def assert_valid_card(card: dict[str, Any]) -> None:
    errors = sorted(card_validator().iter_errors(_as_schema_knows(card)), key=str)
    assert not errors, [e.message for e in errors][:5]


def _as_schema_knows(node: Any) -> Any:
    """The card with Teams' "filtered" ChoiceSet style (static typeahead search, which
    Teams documents for Input.ChoiceSet but the published 1.5 schema does not list) read
    as "compact", the style hosts without it fall back to; everything else as it is."""
    if isinstance(node, list):
        return [_as_schema_knows(item) for item in node]
    if not isinstance(node, dict):
        return node
    copied = {key: _as_schema_knows(value) for key, value in node.items()}
    if copied.get("type") == "Input.ChoiceSet" and copied.get("style") == "filtered":
        copied["style"] = "compact"
    return copied


def non_loopback_address() -> str | None:
    """An IPv4 address of this machine that is not loopback (e.g. eth0's), if it has one."""
    for target in ("192.0.2.1", "10.255.255.255", "8.8.8.8"):
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
                probe.connect((target, 9))  # UDP: no packet is sent
                address: str = probe.getsockname()[0]
            with socket.socket() as bound:
                bound.bind((address, 0))
        except OSError:
            continue
        if not address.startswith(("127.", "0.")):
            return address
    return None


@dataclass
class TeamsDriver:
    client: TestClient  # type: ignore[type-arg]
    connector: FakeConnector

    def activity(self, user: dict[str, str], **fields: Any) -> dict[str, Any]:
        return {
            "id": f"f:{next(_ids)}",
            "timestamp": datetime.now(UTC).isoformat(),
            "serviceUrl": self.connector.service_url,
            "channelId": "msteams",
            "from": user,
            "conversation": {
                "conversationType": "personal",
                "tenantId": TENANT,
                "id": f"a:1personal-{user['id']}",
            },
            "recipient": BOT,
            "channelData": {"tenant": {"id": TENANT}},
            "locale": "en-GB",
            **fields,
        }

    async def post(
        self, activity: dict[str, Any], headers: dict[str, str] | None = None
    ) -> ClientResponse:
        return await self.client.post("/api/messages", json=activity, headers=headers)

    async def say(self, user: dict[str, str], text: str, **fields: Any) -> ClientResponse:
        return await self.post(
            self.activity(user, type="message", text=text, textFormat="plain", **fields)
        )

    async def execute(
        self, user: dict[str, str], action: dict[str, Any], inputs: dict[str, str] | None = None
    ) -> ClientResponse:
        """Click an Action.Execute of a card the bot sent, with `inputs` typed into the card."""
        data = {**action.get("data", {}), **(inputs or {})}
        return await self.post(
            self.activity(
                user,
                type="invoke",
                name="adaptiveCard/action",
                value={
                    "action": {
                        "type": "Action.Execute",
                        "id": "a1",
                        "verb": action["verb"],
                        "data": data,
                    },
                    "trigger": "manual",
                },
            )
        )

    def last_card(self) -> dict[str, Any]:
        for call in reversed(self.connector.sent()):
            found = self.connector.cards(call)
            if found:
                return found[-1]
        raise AssertionError("no card sent")


def action_titled(card: dict[str, Any], title: str) -> dict[str, Any]:
    for action in card.get("actions", []):
        if action["title"] == title:
            return action
    raise AssertionError(f"no action {title!r} in {[a['title'] for a in card.get('actions', [])]}")


def card_text(card: dict[str, Any]) -> str:
    out: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key in ("text", "title", "value", "label"):
                if isinstance(node.get(key), str):
                    out.append(node[key])
            for value in node.values():
                if isinstance(value, dict | list):
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(card)
    return "\n".join(out)


def form_inputs(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["id"]: e for e in card["body"] if e["type"].startswith("Input.")}
