"""Size and complexity limits for app/, bot/, storage/ and adapters/ (run by `make architecture`).

Fails, listing every offender, on:
- a function or method with a cyclomatic complexity over MAX_COMPLEXITY (radon's measure);
- a module over MAX_LINES lines;
- a module the import graph of `lint-imports` does not hold (a folder without an
  __init__.py that pyproject.toml's [tool.importlinter] root_packages does not name),
  whose imports the contracts would otherwise never see.

Alembic's migrations (storage/migrations) are generated and left out.

Usage: python scripts/architecture.py
"""

from __future__ import annotations

import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import grimp
from radon.complexity import cc_visit
from radon.raw import analyze
from radon.visitors import Class, Function

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("app", "bot", "storage", "adapters")
LEFT_OUT = (ROOT / "storage" / "migrations",)
MAX_COMPLEXITY = 15
MAX_LINES = 300


def modules() -> Iterator[Path]:
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if not any(path.is_relative_to(folder) for folder in LEFT_OUT):
                yield path


def functions(blocks: list[Function | Class]) -> Iterator[Function]:
    """Every function, method and nested function radon found, at any depth."""
    for block in blocks:
        if isinstance(block, Class):
            yield from functions([*block.methods, *block.inner_classes])
        else:
            yield block
            yield from functions(block.closures)


def too_complex(path: Path, code: str) -> list[str]:
    where = path.relative_to(ROOT)
    return [
        f"{where}:{f.lineno} {f.fullname} has complexity {f.complexity} (max {MAX_COMPLEXITY})"
        for f in functions(cc_visit(code))
        if f.complexity > MAX_COMPLEXITY
    ]


def too_long(path: Path, code: str) -> list[str]:
    lines = analyze(code).loc
    if lines <= MAX_LINES:
        return []
    return [f"{path.relative_to(ROOT)} has {lines} lines (max {MAX_LINES})"]


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def outside_the_graph(paths: list[Path]) -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    roots = config["tool"]["importlinter"]["root_packages"]
    sys.path.insert(0, str(ROOT))
    seen = grimp.build_graph(*roots).modules
    return [
        f"{path.relative_to(ROOT)} is not in the import graph: give its folder an "
        "__init__.py or list it in [tool.importlinter] root_packages"
        for path in paths
        if module_name(path) not in seen
    ]


def main() -> int:
    paths = list(modules())
    problems: list[str] = []
    for path in paths:
        code = path.read_text(encoding="utf-8")
        problems += too_complex(path, code) + too_long(path, code)
    problems += outside_the_graph(paths)
    for problem in problems:
        print(problem)
    print(
        f"{len(paths)} modules checked: complexity <= {MAX_COMPLEXITY}, "
        f"<= {MAX_LINES} lines; {len(problems)} problem(s)"
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
