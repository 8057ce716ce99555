"""A database the bot cannot write is refused at start in one line, with exit status 2."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from pytest_mock import MockerFixture

from app import cli
from bot.settings import EXAMPLE_ORG_FILE
from tests.fakes.process import Cli, cli_env


async def test_serve_on_a_directory_says_so_in_one_line(tmp_path: Path) -> None:
    folder = tmp_path / "not-a-file.db"
    folder.mkdir()
    env = cli_env(folder, EXTRAMILE_ORG_FILE=str(EXAMPLE_ORG_FILE))
    started = time.monotonic()
    serve = await Cli.start("serve", "--port", "0", env=env)
    output, _ = await serve.process.communicate()
    assert serve.process.returncode == 2
    lines = output.decode().strip().splitlines()
    assert "Traceback" not in output.decode()
    assert lines[-1] == (
        f"extramile: cannot use the database: {folder} is a directory, not a database file"
    )
    assert len(lines) <= 2  # at most the line saying where it was about to listen
    assert time.monotonic() - started < 15  # not after SQLite's 30-second busy wait


def test_a_read_only_database_file_is_named_and_exits_2(
    tmp_path: Path,
    mocker: MockerFixture,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    database = tmp_path / "shop.db"
    database.write_bytes(b"")
    database.chmod(0o444)
    # Tests may run as root, who may write anything: the check asks os.access, as
    # SQLite would fail for anyone else.
    real_access = os.access
    mocker.patch(
        "storage.database.os.access",
        side_effect=lambda path, mode: False if Path(path) == database else real_access(path, mode),
    )
    monkeypatch.setenv("EXTRAMILE_DATABASE_URL", f"sqlite:///{database}")
    monkeypatch.setenv("EXTRAMILE_ORG_FILE", str(EXAMPLE_ORG_FILE))
    monkeypatch.setattr("sys.argv", ["extramile", "db", "upgrade"])
    with pytest.raises(SystemExit) as exit_:
        cli.main()
    assert exit_.value.code == 2
    error = capsys.readouterr().err.strip().splitlines()
    assert error == [
        f"extramile: cannot use the database: the database file {database} is read-only "
        "for this user"
    ]


def test_a_read_only_folder_is_named(tmp_path: Path, mocker: MockerFixture) -> None:
    from storage.database import DatabaseNotWritable, check_writable

    real_access = os.access
    mocker.patch(
        "storage.database.os.access",
        side_effect=lambda path, mode: False if Path(path) == tmp_path else real_access(path, mode),
    )
    with pytest.raises(DatabaseNotWritable, match=r"folder .* is read-only"):
        check_writable(f"sqlite:///{tmp_path / 'new.db'}")
