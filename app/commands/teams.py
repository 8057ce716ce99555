"""The Microsoft Teams app package: teams-package."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from app.commands.common import fail, load_settings


def teams_package(
    out: Annotated[Path, typer.Option("--out", help="Where to write the .zip.")],
    website: Annotated[str, typer.Option(help="Your https site (support, privacy, terms).")] = (
        "https://example.com/extramile"
    ),
    developer: Annotated[str, typer.Option(help="Who publishes the app.")] = "Extra Mile",
) -> None:
    """Build the Teams app package (manifest and icons) to upload to Teams."""
    from adapters.teams.package import write_package
    from bot import __version__

    settings = load_settings()
    if not settings.microsoft_app_id:
        fail("set MicrosoftAppId (the bot's Azure app id) first: the package names it")
    if not website.startswith("https://"):
        fail("--website must start with https://")
    write_package(
        out,
        bot_id=settings.microsoft_app_id,
        website=website,
        developer=developer,
        version=__version__,
    )
    typer.echo(f"wrote {out}: upload it in Teams -> Apps -> Manage your apps -> Upload an app")
