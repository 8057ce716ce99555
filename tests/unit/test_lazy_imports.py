"""The server starts without the heavy libraries (issue 18): scikit-learn (with numpy and
scipy) is loaded when practices are first ranked, matplotlib and xhtml2pdf only in the
drawing process (bot.reports.attachments). Each in a fresh interpreter, since this test
process may have loaded them already for other tests."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ["sklearn", "numpy", "scipy", "matplotlib", "xhtml2pdf", "pandas", "PIL"]


@pytest.mark.parametrize("module", ["app.runtime", "app.server", "app.cli", "app.jobs"])
def test_importing_the_app_loads_no_heavy_library(module: str) -> None:
    probe = (
        f"import json, sys, {module}\n"
        f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))"
    )
    found = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert json.loads(found.stdout.strip().splitlines()[-1]) == [], found.stdout
