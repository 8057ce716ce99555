"""manifest.yml against Slack's manifest JSON schema, and against what the code handles."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from adapters.slack.app import COMMAND, FEEDBACK_SHORTCUT, LOG_SHORTCUT
from adapters.slack.mount import PATH

ROOT = Path(__file__).resolve().parent.parent.parent.parent
SCHEMAS = ROOT / "tests" / "data" / "schemas"  # README.md there: sources
REMOTE = "https://raw.githubusercontent.com/slackapi/manifest-schema/v0.5.0/schemas/"


def _validator() -> Draft7Validator:
    load = lambda name: json.loads((SCHEMAS / name).read_text(encoding="utf-8"))  # noqa: E731
    # The main schema $refs the versioned ones by URL; serve those from the local copies.
    registry: Registry[Any] = Registry().with_resources(
        (
            REMOTE + f"manifest.schema.{v}.json",
            Resource(contents=load(f"slack-app-manifest.schema.{v}.json"), specification=DRAFT7),
        )
        for v in ("1.0.0", "2.0.0")
    )
    return Draft7Validator(load("slack-app-manifest.schema.json"), registry=registry)


@pytest.fixture
def manifest() -> dict[str, Any]:
    data = yaml.safe_load((ROOT / "manifest.yml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_manifest_is_valid_against_slacks_schema(manifest: dict[str, Any]) -> None:
    errors = sorted(_validator().iter_errors(manifest), key=str)
    assert errors == [], [c.message for e in errors for c in (e.context or [e])]


def test_the_schema_check_would_catch_a_bad_manifest(manifest: dict[str, Any]) -> None:
    manifest["features"]["shortcuts"][0]["name"] = "A shortcut name far too long for Slack"
    assert list(_validator().iter_errors(manifest))


def test_manifest_names_what_the_code_handles(manifest: dict[str, Any]) -> None:
    features, settings = manifest["features"], manifest["settings"]
    assert [c["command"] for c in features["slash_commands"]] == [COMMAND]
    assert {s["callback_id"]: s["type"] for s in features["shortcuts"]} == {
        LOG_SHORTCUT: "global",
        FEEDBACK_SHORTCUT: "message",
    }
    urls = {
        features["slash_commands"][0]["url"],
        settings["event_subscriptions"]["request_url"],
        settings["interactivity"]["request_url"],
    }
    assert urls == {f"https://YOUR-HOST{PATH}"}
    assert set(settings["event_subscriptions"]["bot_events"]) == {"app_home_opened", "message.im"}
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == {
        "commands",
        "chat:write",
        "im:write",
        "im:history",
        "files:write",
        "users:read",
        "users:read.email",
    }
    assert settings["socket_mode_enabled"] is False
