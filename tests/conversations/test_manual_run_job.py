"""`run-job NAME` by hand (no --at) runs the current period now, even off its day, and
says what it sent and to whom; the grace rule stays for the scheduler's catch-up."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from app import cli
from app.jobs import run_job
from bot.engine import Engine
from bot.settings import EXAMPLE_ORG_FILE
from tests.fakes.chat import Chat
from tests.fakes.deeds import log_deed

WEDNESDAY = datetime(2026, 11, 25, 14, 0, tzinfo=UTC)  # two days after Monday's 09:30


async def test_by_hand_on_a_wednesday_the_weeks_prompt_goes_out(engine: Engine) -> None:
    chat = Chat(engine, "asha")  # logs an action at the test clock's now (Sun 22 Nov 15:00)
    await log_deed(chat)
    database = engine.database
    # The scheduler's catch-up, two days late, still sends nothing.
    late = await run_job("weekly-prompt", org=engine.org, database=database, at=WEDNESDAY)
    assert late.startswith("sent 0, already sent 0, not due 8")
    report = await run_job(
        "weekly-prompt", org=engine.org, database=database, at=WEDNESDAY, manual=True
    )
    assert report == (
        "sent to 7 people: Tom Reilly, Leila Haddad, Ben Carter, Chen Wei, "
        "Małgorzata Nowak, Kofi Mensah, Dan Hughes; skipped 1 (logged lately)"
    )
    again = await run_job(
        "weekly-prompt", org=engine.org, database=database, at=WEDNESDAY, manual=True
    )
    assert again == "sent to nobody; already sent to 8 for Mon 23 Nov"


def test_the_command_without_at_runs_now(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("EXTRAMILE_DATABASE_URL", f"sqlite:///{tmp_path / 'shop.db'}")
    monkeypatch.setenv("EXTRAMILE_ORG_FILE", str(EXAMPLE_ORG_FILE))
    monkeypatch.setattr("app.commands.running.utc_now", lambda: WEDNESDAY)
    for argv in (["db", "upgrade"], ["run-job", "weekly-prompt"]):
        monkeypatch.setattr("sys.argv", ["extramile", *argv])
        with pytest.raises(SystemExit) as exit_:
            cli.main()
        assert exit_.value.code in (0, None)
    out = capsys.readouterr().out.strip().splitlines()[-1]
    assert out.startswith("weekly-prompt: sent to 8 people: Asha Patel, ")
