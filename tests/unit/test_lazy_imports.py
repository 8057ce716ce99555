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


@pytest.mark.parametrize("module", ["app.runtime", "app.server", "app.cli"])
def test_the_server_starts_without_the_bank_holidays(module: str) -> None:
    """The holidays package (4 MB resident) is for the scheduler's weekly jobs (app.jobs),
    not for a server answering people: a start-up import of it showed as idle RSS."""
    probe = f"import sys, {module}\nprint('holidays' in sys.modules)"
    found = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert found.stdout.strip().splitlines()[-1] == "False", found.stdout
