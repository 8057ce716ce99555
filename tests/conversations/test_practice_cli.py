"""`extramile practices list|rename|merge|split` (issue 17): what managers do in chat, from
the command line, on a real database file."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from app.cli import app
from bot.settings import EXAMPLE_ORG_FILE
from storage.database import open_database
from storage.tables import ActionRow, AuditLogRow, PracticeRow
from storage.uow import UnitOfWork
from tests.conversations.test_nominations import ENOUGH, MONDAY, seed_practice


def _run(*argv: str) -> str:
    result = CliRunner().invoke(app, list(argv))
    assert result.exit_code == 0, result.output
    return result.output


def _refused(*argv: str) -> str:
    result = CliRunner().invoke(app, list(argv))
    assert result.exit_code == 2, result.output
    return result.output


async def _seed(url: str) -> tuple[int, int]:
    database = open_database(url)
    try:
        carry = await seed_practice(database, ENOUGH)
        bags = await seed_practice(database, [("ben", MONDAY)], title="Took bags out to the car")
        return carry, bags
    finally:
        await database.close()


async def _rows(url: str, table: type) -> list:  # type: ignore[type-arg]
    database = open_database(url)
    try:
        async with UnitOfWork(database) as uow:
            return list((await uow.session.exec(select(table))).all())
    finally:
        await database.close()


def test_practices_from_the_command_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    monkeypatch.setenv("EXTRAMILE_DATABASE_URL", url)
    monkeypatch.setenv("EXTRAMILE_ORG_FILE", str(EXAMPLE_ORG_FILE))
    assert "No practices yet." in _run("practices", "list")  # migrates, syncs the people
    carry, bags = asyncio.run(_seed(url))
    listed = _run("practices", "list")
    assert f"{carry:>5}     3 deeds  Carry heavy shopping to the customer's car" in listed
    assert "Renamed" in _run("practices", "rename", str(carry), "Help to the car with shopping")
    out = _run("practices", "merge", str(bags), str(carry))
    assert "“Took bags out to the car” is now part of “Help to the car with shopping”" in out
    merged = {p.id: p.merged_into for p in asyncio.run(_rows(url, PracticeRow))}
    assert merged == {carry: None, bags: carry}
    action = asyncio.run(_rows(url, ActionRow))[0].id
    assert "is a practice of its own now" in _run(
        "practices", "split", str(action), "--by", "maria"
    )
    assert "not a manager" in _refused("practices", "split", str(action), "--by", "asha")
    assert "can't find" in _refused("practices", "merge", str(bags), str(carry))  # merged
    assert "can't find" in _refused("practices", "merge", "999", str(carry))
    assert "two different" in _refused("practices", "merge", str(carry), str(carry))
    audited = [a.action for a in asyncio.run(_rows(url, AuditLogRow))]
    assert {"practice.renamed", "practice.merged", "practice.split"} <= set(audited)
