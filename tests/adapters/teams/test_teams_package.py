"""`extramile teams-package`: a zip Teams accepts: valid manifest, icons of the right sizes."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

from jsonschema import Draft4Validator
from PIL import Image

from tests.fakes.teams_harness import SCHEMAS

BOT_ID = "00000000-aaaa-4bbb-8ccc-000000000001"


def _run(
    tmp_path: Path, *args: str, app_id: str | None = BOT_ID
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("Microsoft")}
    if app_id:
        env["MicrosoftAppId"] = app_id
    return subprocess.run(
        [sys.executable, "-m", "app", "teams-package", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )


def test_the_package_has_a_valid_manifest_and_both_icons(tmp_path: Path) -> None:
    out = tmp_path / "extramile-teams.zip"
    result = _run(tmp_path, "--out", str(out), "--website", "https://riverside.example/bot")
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(out) as archive:
        assert sorted(archive.namelist()) == ["color.png", "manifest.json", "outline.png"]
        manifest = json.loads(archive.read("manifest.json"))
        colour = Image.open(io.BytesIO(archive.read("color.png")))
        outline = Image.open(io.BytesIO(archive.read("outline.png")))
    schema = json.loads((SCHEMAS / "teams-manifest-1.16.schema.json").read_text())
    errors = sorted(Draft4Validator(schema).iter_errors(manifest), key=str)
    assert errors == [], [e.message for e in errors]
    assert manifest["manifestVersion"] == "1.16"
    assert manifest["bots"][0]["botId"] == BOT_ID
    assert "personal" in manifest["bots"][0]["scopes"]
    assert colour.size == (192, 192) and colour.format == "PNG"
    assert outline.size == (32, 32) and outline.mode == "RGBA"
    # The outline icon is white on transparent, as Teams asks.
    pixels = [outline.getpixel((x, y)) for x in range(32) for y in range(32)]
    colours = {p for p in pixels if isinstance(p, tuple) and p[3] > 0}
    assert colours and all(p[:3] == (255, 255, 255) for p in colours)
    assert outline.getpixel((0, 0))[3] == 0


def test_without_a_bot_id_it_says_what_to_set(tmp_path: Path) -> None:
    result = _run(tmp_path, "--out", str(tmp_path / "x.zip"), app_id=None)
    assert result.returncode == 2
    assert "set MicrosoftAppId" in result.stderr
