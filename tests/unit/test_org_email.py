"""People given by e-mail: validated, and a person needs some way to be found."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.domain.orgfile import OrgFileError, load_organisation
from bot.settings import EXAMPLE_ORG_FILE, Settings

EXAMPLE = EXAMPLE_ORG_FILE.read_text(encoding="utf-8")


def _with(tmp_path: Path, line: str) -> Path:
    path = tmp_path / "org.yml"
    path.write_text(EXAMPLE + line + "\n", encoding="utf-8")
    return path


def test_a_person_may_be_given_by_email_alone(tmp_path: Path) -> None:
    org = load_organisation(
        _with(
            tmp_path,
            "  - {id: nina, name: Nina Brooks, role: staff, email: nina@riverside.example}",
        )
    )
    nina = org.person("nina")
    assert nina is not None and nina.email == "nina@riverside.example"
    assert org.only_by_email() == [nina]


def test_a_bad_email_is_refused(tmp_path: Path) -> None:
    with pytest.raises(OrgFileError, match="e-mail"):
        load_organisation(
            _with(tmp_path, "  - {id: nina, name: Nina Brooks, role: staff, email: nina}")
        )


def test_a_person_with_no_way_to_be_found_is_refused(tmp_path: Path) -> None:
    with pytest.raises(OrgFileError, match="slack, teams or email"):
        load_organisation(_with(tmp_path, "  - {id: nina, name: Nina Brooks, role: staff}"))


def test_a_learned_id_finds_the_person(tmp_path: Path) -> None:
    org = load_organisation(
        _with(
            tmp_path,
            "  - {id: nina, name: Nina Brooks, role: staff, email: nina@riverside.example}",
        )
    )
    assert org.person_on("slack", "U0NEWBIE1") is None
    org.learn("nina", "slack", "U0NEWBIE1")
    found = org.person_on("slack", "U0NEWBIE1")
    assert found is not None and found.id == "nina"
    assert org.only_by_email() == []


THREE = (
    "  - {id: nina, name: Nina Brooks, role: staff, email: nina@riverside.example}\n"
    "  - {id: omar, name: Omar Aziz, role: staff, email: omar@riverside.example}\n"
    "  - {id: lucy, name: Lucy Park, role: staff, email: lucy@riverside.example}"
)


def _org_check(org_file: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "EXTRAMILE_ORG_FILE": str(org_file),
        "EXTRAMILE_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
    }
    return subprocess.run(
        [sys.executable, "-m", "app", "org", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


def test_org_check_reports_who_is_not_found_yet(tmp_path: Path) -> None:
    result = _org_check(_with(tmp_path, THREE), tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Riverside Stores: 16 people" in result.stdout  # the example's 13 (an assessor, 19b) + 3
    assert (
        "3 people have only an e-mail and are not found on Slack or Teams yet: "
        "Nina Brooks (nina@riverside.example), Omar Aziz (omar@riverside.example), "
        "Lucy Park (lucy@riverside.example)"
    ) in result.stdout


async def test_org_check_leaves_out_who_was_found(tmp_path: Path) -> None:
    from app.runtime import start_runtime

    org_file = _with(tmp_path, THREE)
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'cli.db'}", org_file=org_file)
    runtime = await start_runtime(settings)
    try:
        await runtime.engine.learn("nina", "slack", "U0NEWBIE1")
    finally:
        await runtime.close()
    result = await asyncio.to_thread(_org_check, org_file, tmp_path)
    assert result.returncode == 0, result.stderr
    assert (
        "2 people have only an e-mail and are not found on Slack or Teams yet: "
        "Omar Aziz (omar@riverside.example), Lucy Park (lucy@riverside.example)"
    ) in result.stdout


def test_org_check_of_the_example_names_nobody(tmp_path: Path) -> None:
    result = _org_check(EXAMPLE_ORG_FILE, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "only an e-mail" not in result.stdout


def test_the_same_email_twice_is_refused(tmp_path: Path) -> None:
    two = (
        "  - {id: nina, name: Nina Brooks, role: staff, email: nina@riverside.example}\n"
        "  - {id: nina2, name: Nina Other, role: staff, email: NINA@riverside.example}"
    )
    with pytest.raises(OrgFileError, match=r"duplicate email 'nina@riverside\.example'"):
        load_organisation(_with(tmp_path, two))
