"""The layering rules (README, Architecture), checked so they cannot quietly erode."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = ("slack_bolt", "slack_sdk", "botbuilder", "aiohttp")


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_core_modules_do_not_import_platform_sdks() -> None:
    offenders = {
        f"{path.relative_to(ROOT)}: {name}"
        for path in (ROOT / "bot").rglob("*.py")
        for name in _imports(path)
        if name.split(".")[0] in FORBIDDEN
    }
    assert not offenders, f"bot/ must stay platform-neutral, found: {sorted(offenders)}"


def test_importing_every_core_module_loads_no_platform_sdk() -> None:
    # Catches indirect imports too (bot -> storage -> something that pulls aiohttp).
    script = (
        "import importlib, pkgutil, sys, bot\n"
        "for m in pkgutil.walk_packages(bot.__path__, 'bot.'):\n"
        "    if not m.name.endswith('__main__'):\n"
        "        importlib.import_module(m.name)\n"
        f"print(sorted(n for n in sys.modules if n.split('.')[0] in {FORBIDDEN!r}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


def test_the_scan_would_notice_a_forbidden_import(tmp_path: Path) -> None:
    sample = tmp_path / "leak.py"
    sample.write_text("from slack_sdk.models import blocks\nimport aiohttp.web\n")
    assert {"slack_sdk.models", "aiohttp.web"} <= _imports(sample)


def test_only_settings_reads_the_environment() -> None:
    readers = [
        str(path.relative_to(ROOT))
        for folder in ("bot", "storage", "adapters")
        for path in (ROOT / folder).rglob("*.py")
        if "os.environ" in path.read_text(encoding="utf-8") or "getenv" in path.read_text()
    ]
    assert readers == []


def test_adapters_do_not_import_storage() -> None:
    # Platforms reach the database only through the core: the engine's turn (which saves
    # the address an inbound message carries), bot.delivery.DeliveryStore and bot.serving.
    offenders = {
        f"{path.relative_to(ROOT)}: {name}"
        for path in (ROOT / "adapters").rglob("*.py")
        for name in _imports(path)
        if name.split(".")[0] == "storage"
    }
    assert not offenders, f"adapters/ must not import storage/, found: {sorted(offenders)}"
