"""Count the import arrows between the top-level rooms, and bot <-> storage module cycles.

Run from a checkout's root: .venv/bin/python scripts/import_arrows.py
(on an older checkout too, to compare: rooms that do not exist there are skipped).
TYPE_CHECKING imports are left out, as in `make architecture`.
"""

from __future__ import annotations

import os
import sys
from collections import Counter

import grimp

ROOMS = ("app", "bot", "storage", "adapters", "adapters.slack", "adapters.teams")


def main() -> int:
    sys.path.insert(0, os.getcwd())
    roots = [r for r in ROOMS if os.path.isdir(r.replace(".", "/"))]
    graph = grimp.build_graph(*roots, cache_dir=None, exclude_type_checking_imports=True)

    def room(module: str) -> str:
        return module.split(".")[0]

    arrows: Counter[tuple[str, str]] = Counter()
    cycles: set[tuple[str, str]] = set()
    for module in graph.modules:
        for imported in graph.find_modules_directly_imported_by(module):
            if room(module) != room(imported):
                arrows[(room(module), room(imported))] += 1
            back = graph.chain_exists(importer=imported, imported=module)
            if room(module) == "bot" and room(imported) == "storage" and back:
                cycles.add((module, imported))
    for (source, target), count in sorted(arrows.items()):
        print(f"{source:>9} -> {target:<9} {count}")
    print(f"bot <-> storage cycles between modules: {len(cycles)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
