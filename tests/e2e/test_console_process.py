"""The console, driven through the real CLI process with scripted input."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from tests.fakes.process import Cli, cli_env


def _yesterday() -> str:
    """The console runs on the real clock, in the shop's time zone."""
    today = datetime.now(ZoneInfo("Europe/London")).date()
    return (today - timedelta(days=1)).strftime("%a %d %b %Y")


async def test_log_by_the_quick_path_then_by_the_form(tmp_path: Path) -> None:
    env = cli_env(tmp_path / "console.db")
    cli = await Cli.start("console", "--as", "asha", env=env)
    try:
        await cli.expect("Hi Asha, did you go the extra mile today?")
        await cli.expect("> ")
        assert "(1 of 7)" in await cli.send("log yesterday: carried a heavy TV to her car")
        assert "[4] Help to the car" in await cli.send("Couldn't lift it into her car")
        await cli.send("4")
        await cli.send("1")  # I did it
        await cli.send("2")  # busy
        await cli.send("1")  # procedure
        await cli.send("1")  # yes, she knew
        review = await cli.send("Delighted; said she'd shop here again")
        assert "Check before I save it" in review and _yesterday() in review
        assert "Saved: your 1st extra-mile action" in await cli.send("1")

        await cli.send("log", then="When was it?")
        await cli.send("", then="What did the customer need")
        await cli.send("Needed a gift wrapped in a hurry 🎁", then="routine service offer")
        await cli.send("5", then="What extra did you do")
        await cli.send("Wrapped it free as the desk was shut", then="Done, or an idea?")
        await cli.send("1", then="What was the situation?")
        await cli.send("4", then="Procedure or your own initiative?")
        await cli.send("2", then="Did the customer know")
        await cli.send("yes", then="How did it go?")
        review = await cli.send("She made her train with it")
        assert "Wrapped it free as the desk was shut" in review
        assert "People, systems or resources let me down" in review
        assert "your 2nd extra-mile action" in await cli.send("1")

        mine = await cli.send("mine")
        assert "Wrapped it free" in mine and "carried a heavy TV" in mine
        await cli.send("quit", then="Bye!", last=True)
        assert await cli.close() == 0
    finally:
        if cli.process.returncode is None:
            await cli.kill()


async def test_a_killed_console_resumes_where_it_was(tmp_path: Path) -> None:
    env = cli_env(tmp_path / "resume.db")
    first = await Cli.start("console", "--as", "tom", env=env)
    await first.expect("> ")
    await first.send("log walked a lost child to the customer desk")
    await first.send("Child separated from his dad near the tills")
    await first.send("10")  # not covered
    await first.kill()  # SIGKILL mid-conversation

    second = await Cli.start("console", "--as", "tom", env=env)
    try:
        resumed = await second.expect("> ")
        assert "Welcome back. We were logging an action" in resumed
        assert "Done, or an idea? (3 of 7)" in resumed
        await second.send("1")
        await second.send("2")
        await second.send("1")
        await second.send("1")
        review = await second.send("Reunited within minutes")
        assert "Child separated from his dad near the tills" in review
        assert "Not covered by our routine offer" in review
        assert "Saved" in await second.send("1")
        assert "walked a lost child" in await second.send("mine")
        await second.send("quit", then="Bye!", last=True)
        assert await second.close() == 0
    finally:
        if second.process.returncode is None:
            await second.kill()


async def test_console_refuses_an_unknown_person(tmp_path: Path) -> None:
    cli = await Cli.start("console", "--as", "nobody", env=cli_env(tmp_path / "x.db"))
    output = await cli.expect("try one of")
    assert "no person 'nobody'" in output
    assert await cli.close() == 2


async def test_end_of_input_leaves_cleanly(tmp_path: Path) -> None:
    cli = await Cli.start("console", "--as", "asha", env=cli_env(tmp_path / "eof.db"))
    await cli.expect("> ")
    assert await cli.close() == 0


async def test_a_message_sent_to_you_appears_while_you_wait_and_its_buttons_can_be_typed(
    tmp_path: Path,
) -> None:
    """Issue 16: a prompt queued for someone in the console appears as it arrives, with
    numbered buttons and typed equivalents ("<button word> <number>")."""
    env = cli_env(tmp_path / "arrivals.db")
    cli = await Cli.start("console", "--as", "asha", env=env)
    try:
        await cli.expect("> ")
        await cli.send("help")  # Asha has now used the console, and only the console
        job = await Cli.start(
            "run-job", "weekly-prompt", "--at", "2026-11-23T09:31:00+00:00", env=env
        )
        await job.expect("weekly-prompt: sent")
        assert await job.close() == 0
        arrived = await cli.expect("pause 1")
        assert "(1) == Did you go the extra mile this week" in arrived
        assert "[2] Not this week" in arrived and "type: log 1, not 1, pause 1" in arrived
        await cli.expect("> ")
        assert "No problem. See you next week!" in await cli.send("not 1")
        await cli.send("quit", then="Bye!", last=True)
        assert await cli.close() == 0
    finally:
        if cli.process.returncode is None:
            await cli.kill()
