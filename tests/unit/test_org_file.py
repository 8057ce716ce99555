"""The organisation file: the example is valid; a bad file names file, line and reason."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.domain.org import Role, parse_weekly
from bot.domain.orgfile import OrgFileError, load_organisation
from bot.settings import EXAMPLE_ORG_FILE

EXAMPLE = EXAMPLE_ORG_FILE.read_text(encoding="utf-8")


def test_example_is_a_realistic_small_shop() -> None:
    org = load_organisation(EXAMPLE_ORG_FILE)
    roles = [p.role for p in org.people]
    assert len(org.people) >= 10
    assert roles.count(Role.SUPERVISOR) >= 2
    assert Role.MANAGER in roles and Role.ADMIN in roles
    assert len(org.service_offer) >= 8
    assert org.policy.staff_authority.max_cost > 0
    assert org.policy.guidelines and org.policy.regulations
    assert parse_weekly(org.schedule.manager_digest).day == 4  # Friday
    # Issue 19: a learner with an assessor, who has the assessor role.
    leila = org.person("leila")
    assert leila is not None and leila.learner and leila.assessor == "ruth"
    assert Role.ASSESSOR in roles


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


BAD_FILES = [
    pytest.param(
        ("supervisor: sam, slack: U0TOM001", "supervisor: nobody, slack: U0TOM001"),
        "supervisor: nobody",
        "supervisor 'nobody' of 'tom' is not in people",
        id="unknown-supervisor",
    ),
    pytest.param(
        ("assessor: ruth}", "assessor: nobody}"),
        "assessor: nobody",
        "assessor 'nobody' of 'leila' is not in people",
        id="unknown-assessor",
    ),
    pytest.param(
        ("slack: U0BEN001", "slack: U0TOM001"),
        "id: ben,",
        "duplicate slack 'U0TOM001': also given to 'tom'",
        id="duplicate-platform-id",
    ),
    pytest.param(
        (
            "{id: maria, name: Maria Lopez, role: manager,",
            "{id: maria, name: Maria Lopez, role: manager, supervisor: ops,",
        ),
        "supervisor: ops,",
        "cycle in the supervisor chain",
        id="supervisor-cycle",
    ),
    pytest.param(
        ("timezone: Europe/London", "timezone: Europe/Londn"),
        "timezone: Europe/Londn",
        "unknown time zone 'Europe/Londn'",
        id="bad-timezone",
    ),
    pytest.param(
        ('manager_digest: "fri 16:00"', 'manager_digest: "friday 4pm"'),
        "manager_digest",
        "bad schedule 'friday 4pm'",
        id="bad-schedule",
    ),
    pytest.param(
        ("max_minutes: 15", "max_minutes: a quarter of an hour"),
        "max_minutes",
        "policy.staff_authority.max_minutes",
        id="wrong-type",
    ),
    pytest.param(
        (
            "role: staff, supervisor: sam, slack: U0ASHA01",
            "role: cashier, supervisor: sam, slack: U0ASHA01",
        ),
        "role: cashier",
        "people.3.role",
        id="unknown-role",
    ),
    pytest.param(
        ("policy:\n", "policy:\n  surprise: true\n"),
        "surprise: true",
        "Extra inputs are not permitted",
        id="unknown-key",
    ),
    pytest.param(
        ("  - {id: returns,", "  - {id: returns\n"),
        "{id: returns",
        "not valid YAML",
        id="broken-yaml",
    ),
]


@pytest.mark.parametrize(("change", "line_marker", "reason"), BAD_FILES)
def test_bad_file_gives_file_line_and_reason(
    tmp_path: Path, change: tuple[str, str], line_marker: str, reason: str
) -> None:
    old, new = change
    assert old in EXAMPLE
    text = EXAMPLE.replace(old, new, 1)
    path = tmp_path / "org.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(OrgFileError) as caught:
        load_organisation(path)
    problem = caught.value.problems[0]
    assert problem.path == str(path)
    assert reason in problem.reason
    if line_marker:
        assert abs(problem.line - _line_of(text, line_marker)) <= 1, str(caught.value)


def test_missing_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(OrgFileError, match="cannot read"):
        load_organisation(tmp_path / "absent.yml")


def _run_cli(*args: str, org_file: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "EXTRAMILE_ORG_FILE": str(org_file),
        "EXTRAMILE_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
    }
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


@pytest.mark.parametrize(
    "command", [("org", "check"), ("serve", "--port", "0"), ("console", "--as", "asha")]
)
def test_every_command_refuses_a_bad_file_with_non_zero_exit(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    text = EXAMPLE.replace(
        "supervisor: sam, slack: U0TOM001", "supervisor: nobody, slack: U0TOM001"
    )
    path = tmp_path / "org.yml"
    path.write_text(text, encoding="utf-8")
    result = _run_cli(*command, org_file=path, tmp_path=tmp_path)
    assert result.returncode != 0
    line = _line_of(text, "supervisor: nobody")
    assert f"{path}:{line}: " in result.stderr
    assert "supervisor 'nobody' of 'tom' is not in people" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "cli.db").exists(), "nothing runs on a bad configuration"


def test_org_check_accepts_the_example(tmp_path: Path) -> None:
    result = _run_cli("org", "check", org_file=EXAMPLE_ORG_FILE, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Riverside Stores: 13 people" in result.stdout  # an assessor since issue 19
