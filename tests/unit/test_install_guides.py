"""The install guides are linked from the README, cover what an admin meets, and name
only settings and commands that exist."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer.main

from app.cli import app
from bot.settings import Settings

ROOT = Path(__file__).resolve().parent.parent.parent
GUIDES = {
    "slack": (
        "https://HOST/slack/events",
        "cloudflared",
        "SLACK_APP_TOKEN",
        "connections:write",
        "/invite @Extra Mile",
        "chat:write.public",
        "not_in_channel",
        "Channel ID",
        "SLACK_TEAM_ID",
    ),
    "teams": (
        "https://HOST/api/messages",
        "Channels",
        "Microsoft Teams",
        "Upload custom apps",
        "Teams admin centre",
        "@thread.tacv2",
        "/privacy",
        "/terms",
    ),
}


def _aliases() -> set[str]:
    names: set[str] = set()
    for field in Settings.model_fields.values():
        alias = field.validation_alias
        choices = getattr(alias, "choices", [alias])
        names.update(str(choice) for choice in choices)
    return names


@pytest.mark.parametrize("platform", sorted(GUIDES))
def test_each_guide_is_linked_and_covers_the_set_up(platform: str) -> None:
    guide = f"docs/install-{platform}.md"
    assert f"]({guide})" in (ROOT / "README.md").read_text(encoding="utf-8")
    text = " ".join((ROOT / guide).read_text(encoding="utf-8").split())
    for needle in (*GUIDES[platform], "EXTRAMILE_DATABASE_URL", "EXTRAMILE_HOST", "postgresql"):
        assert needle in text, needle
    settings = set(re.findall(r"\b(?:EXTRAMILE_[A-Z_]+|SLACK_[A-Z_]+|MicrosoftApp\w+)", text))
    assert settings <= _aliases(), settings - _aliases()
    commands = set(typer.main.get_group(app).commands)
    used = set(re.findall(r"extramile ([a-z][a-z-]+)", text)) - {"in"}
    assert used <= commands, used - commands
