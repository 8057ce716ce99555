"""The layering rules (README, Architecture), checked so they cannot quietly erode."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
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
    # the address an inbound message carries), bot.delivery.messenger.DeliveryStore and bot.serving.
    offenders = {
        f"{path.relative_to(ROOT)}: {name}"
        for path in (ROOT / "adapters").rglob("*.py")
        for name in _imports(path)
        if name.split(".")[0] == "storage"
    }
    assert not offenders, f"adapters/ must not import storage/, found: {sorted(offenders)}"


# What storage/ may import from bot/: the records it returns and the rules they are made
# of. These import nothing from storage/, so bot/ and storage/ never import each other.
RECORD_MODULES = {
    "bot.domain.actions",
    "bot.domain.records",
    "bot.domain.org",
    "bot.domain.feasibility",
    "bot.domain.approvers",
    "bot.domain.arrivals",
    # Each action's vector is worked out as it is stored (storage.action_vectors); the
    # model wrapper imports nothing from storage/ (only bot.domain.lexical).
    "bot.domain.embedding",
    # Issue 19: the evidence records (a learner's statements, witness statements and marks
    # as the portfolio reads them, the assessment's records), and the redaction storage
    # applies to a learner's or a witness's words as it stores them (pure functions).
    "bot.domain.statements",
    "bot.domain.evidence",
    "bot.domain.assessment",
    "bot.domain.redaction",
}


def _import_graph(root: Path = ROOT) -> dict[str, set[str]]:
    """Every module of bot/ and storage/ (migrations aside), with the modules of the two
    it imports anywhere in the file (`from bot import records` counts as bot.domain.records)."""
    files: dict[str, Path] = {}
    for folder in ("bot", "storage"):
        for path in (root / folder).rglob("*.py"):
            parts = path.relative_to(root).with_suffix("").parts
            if "migrations" not in parts:
                files[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    graph: dict[str, set[str]] = {}
    for module, path in files.items():
        named: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                named.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                named.add(node.module)
                named.update(f"{node.module}.{alias.name}" for alias in node.names)
        graph[module] = {name for name in named if name in files and name != module}
    return graph


def _reachable(graph: dict[str, set[str]], start: set[str]) -> set[str]:
    seen, waiting = set(start), list(start)
    while waiting:
        for found in graph.get(waiting.pop(), set()) - seen:
            seen.add(found)
            waiting.append(found)
    return seen


def _bot_storage_cycles(graph: dict[str, set[str]]) -> set[tuple[str, str]]:
    """Pairs (a bot module, a storage module) that import each other, however indirectly."""
    return {
        (module, other)
        for module in graph
        if module.startswith("bot")
        for other in _reachable(graph, {module})
        if other.startswith("storage") and module in _reachable(graph, {other})
    }


def test_storage_imports_only_the_records_from_bot() -> None:
    graph = _import_graph()
    from_bot = {
        f"{module}: {name}"
        for module, names in graph.items()
        if module.startswith("storage")
        for name in names
        if name.startswith("bot")
    }
    features = ("bot.features", "bot.routes", "bot.engine")
    assert not {line for line in from_bot if line.split(": ")[1].startswith(features)}
    offenders = {line for line in from_bot if line.split(": ")[1] not in RECORD_MODULES}
    assert not offenders, f"storage/ may import only {sorted(RECORD_MODULES)}: {offenders}"


def test_the_record_modules_import_nothing_from_storage() -> None:
    graph = _import_graph()
    assert set(graph) >= RECORD_MODULES
    reached = _reachable(graph, RECORD_MODULES)
    assert sorted(m for m in reached if m.startswith("storage")) == []


def test_no_module_of_bot_and_one_of_storage_import_each_other() -> None:
    assert _bot_storage_cycles(_import_graph()) == set()


def test_the_graph_would_notice_a_cycle(tmp_path: Path) -> None:
    for name, text in {
        "bot/__init__.py": "",
        "bot/flows.py": "from storage.requests import get_request\n",
        "storage/__init__.py": "",
        "storage/requests.py": "def get_request() -> None:\n    from bot import flows\n",
    }.items():
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(text)
    graph = _import_graph(tmp_path)
    assert graph["storage.requests"] == {"bot", "bot.flows"}
    assert _bot_storage_cycles(graph) == {("bot.flows", "storage.requests")}
