"""`extramile teams-package`: the Teams app package (manifest.json and two icons, zipped)."""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw

MANIFEST_VERSION = "1.16"
ACCENT = "#1D6B4F"
# App package ids are derived from the bot id, so rebuilding gives the same app.
_NAMESPACE = uuid.UUID("6f1d2b1e-5a8c-4c3e-9f1e-2d7a4b5c6e10")


def manifest(*, bot_id: str, website: str, developer: str, version: str) -> dict[str, Any]:
    commands = [
        ("log", "Log an extra-mile action on one short form"),
        ("idea", "Check an idea, and ask your supervisor if it needs their OK"),
        ("log <what you did>", "The quickest way: saved at once"),
        ("feedback", "Record what a customer said"),
        ("mine", "Your recent actions"),
        ("offer", "Our routine service offer"),
        ("help", "What I can do"),
    ]
    return {
        "$schema": "https://developer.microsoft.com/json-schemas/teams/v1.16/MicrosoftTeams.schema.json",
        "manifestVersion": MANIFEST_VERSION,
        "version": version,
        "id": str(uuid.uuid5(_NAMESPACE, bot_id)),
        "packageName": "com.extramile.bot",
        "developer": {
            "name": developer[:32],
            "websiteUrl": website,
            "privacyUrl": f"{website.rstrip('/')}/privacy",
            "termsOfUseUrl": f"{website.rstrip('/')}/terms",
        },
        "name": {"short": "Extra Mile", "full": "Extra Mile: go the extra mile for customers"},
        "description": {
            "short": "Log the extra mile you go for customers; check ideas with your supervisor.",
            "full": (
                "Extra Mile helps front-line staff go the extra mile in customer service "
                "(CFACSA9 / CU801): log what a customer needed, what our routine offer gives "
                "and the extra you did or propose; ideas beyond your authority go to your "
                "supervisor; praise is passed on; learners export an evidence portfolio."
            ),
        },
        "icons": {"color": "color.png", "outline": "outline.png"},
        "accentColor": ACCENT,
        "bots": [
            {
                "botId": bot_id,
                # personal: the chat everyone uses; team: installing in a team lets the
                # bot read the roster and open personal chats with the people it knows.
                "scopes": ["personal", "team"],
                "supportsFiles": False,
                "isNotificationOnly": False,
                "commandLists": [
                    {
                        "scopes": ["personal"],
                        "commands": [{"title": t, "description": d} for t, d in commands],
                    }
                ],
            }
        ],
        "permissions": ["identity", "messageTeamMembers"],
        "validDomains": [],
    }


def _chevrons(draw: ImageDraw.ImageDraw, size: int, colour: tuple[int, ...], width: int) -> None:
    """Two chevrons, ">>": going a little further."""
    for shift in (0.28, 0.5):
        left = size * shift
        points = [(left, size * 0.25), (left + size * 0.22, size * 0.5), (left, size * 0.75)]
        draw.line(points, fill=colour, width=width, joint="curve")


def colour_icon() -> bytes:
    image = Image.new("RGBA", (192, 192), ACCENT)
    _chevrons(ImageDraw.Draw(image), 192, (255, 255, 255, 255), 18)
    return _png(image)


def outline_icon() -> bytes:
    image = Image.new("RGBA", (32, 32), (0, 0, 0, 0))  # transparent, white strokes
    _chevrons(ImageDraw.Draw(image), 32, (255, 255, 255, 255), 3)
    return _png(image)


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def write_package(out: Path, *, bot_id: str, website: str, developer: str, version: str) -> None:
    document = manifest(bot_id=bot_id, website=website, developer=developer, version=version)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(document, indent=2))
        archive.writestr("color.png", colour_icon())
        archive.writestr("outline.png", outline_icon())
