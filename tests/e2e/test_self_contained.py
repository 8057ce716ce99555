"""The tests run from a fresh clone: every data file they read lives inside the repository."""

from __future__ import annotations

import re
from pathlib import Path

from tests.adapters.slack import test_manifest
from tests.fakes import teams_harness

ROOT = Path(__file__).resolve().parent.parent.parent
# The sibling folder beside the checkout that a user's clone does not have. Its name is
# put together here, so that this test does not itself read as a path into it.
_SIBLING = "sha" + "red"
# A path into it written with the parent folder's two dots, or joined onto a parent
# folder with the `/` operator.
_OUTSIDE = re.compile(rf"[\"']\.\./{_SIBLING}|/\s*[\"']{_SIBLING}[\"']")


def test_the_schemas_the_tests_use_are_inside_the_repository() -> None:
    for schemas in (teams_harness.SCHEMAS, test_manifest.SCHEMAS):
        assert schemas.is_relative_to(ROOT), schemas
    needed = {
        "adaptive-card-1.5.json",
        "teams-manifest-1.16.schema.json",
        "slack-app-manifest.schema.json",
        "slack-app-manifest.schema.1.0.0.json",
        "slack-app-manifest.schema.2.0.0.json",
    }
    present = {p.name for p in teams_harness.SCHEMAS.iterdir()}
    assert needed <= present
    readme = (teams_harness.SCHEMAS / "README.md").read_text(encoding="utf-8")
    assert all(name in readme for name in needed)  # where each one came from


def test_no_code_reads_from_outside_the_repository() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for folder in ("app", "bot", "adapters", "storage", "tests", "bench", "scripts")
        for path in (ROOT / folder).rglob("*.py")
        if path.name != Path(__file__).name and _OUTSIDE.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
