"""People given by e-mail: validated, and a person needs some way to be found."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.domain.orgfile import OrgFileError, load_organisation
from bot.settings import EXAMPLE_ORG_FILE

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
