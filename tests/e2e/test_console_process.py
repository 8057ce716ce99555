"""The console, driven through the real CLI process with scripted input."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from tests.fakes.process import Cli, cli_env


def _yesterday() -> str:
    """The console runs on the real clock, in the shop's time zone."""
    today = datetime.now(ZoneInfo("Europe/London")).date()
    return (today - timedelta(days=1)).strftime("%a %d %b")


def number_of(shown: str, label: str) -> str:
    """The number the console shows for the button labelled `label` ("[7] Yes")."""
    found = re.findall(rf"\[(\d+)\] {re.escape(label)}(?:  |\n|$)", shown)
    assert len(found) == 1, f"{label!r} shown {len(found)} times in:\n{shown}"
    return str(found[0])


async def test_log_by_the_quick_path_then_by_the_form(tmp_path: Path) -> None:
    """Issue 16: a line is saved at once, then its need and details are a short form and a
    tap each; the form is four prompts saved on the last (was: seven questions, then a
    review to save)."""
    env = cli_env(tmp_path / "console.db")
    cli = await Cli.start("console", "--as", "asha", env=env)
    try:
        await cli.expect("Hi Asha, did you go the extra mile today?")
        await cli.expect("> ")
        saved = await cli.send("log yesterday: carried a heavy TV to her car")
        assert "Saved: your 1st extra-mile action" in saved
        assert "What you did: carried a heavy TV to her car" in saved
        await cli.send(number_of(saved, "Add the customer's need"), then="customer need")
        await cli.send("Couldn't lift it into her car", then="How did it go?")
        card = await cli.send("Delighted; said she'd shop here again")
        assert "(updated) == Your extra-mile action ==" in card
        assert "The customer's need: Couldn't lift it into her car" in card
        for label, shown in (
            ("Busy time", "The situation: A busy time"),
            ("Procedure", "How: Following a procedure"),
            ("Yes", "The customer knew it was extra: Yes"),
            ("Help to the car with bulky items on…", "Our offer: Help to the car with bulky"),
        ):
            card = await cli.send(number_of(card, label))
            assert shown in card
        assert "All the details are in" in card

        await cli.send("log", then="What did you do?")
        await cli.send("Wrapped it free as the desk was shut", then="customer need")
        await cli.send("Needed a gift wrapped in a hurry 🎁", then="How did it go?")
        await cli.send("She made her train with it", then="When?")
        saved = await cli.send("")  # today: Enter keeps it
        assert "Saved: your 2nd extra-mile action" in saved
        assert "The customer's need: Needed a gift wrapped in a hurry 🎁" in saved

        mine = await cli.send("mine")
        assert "Wrapped it free" in mine and "carried a heavy TV" in mine
        assert f"{_yesterday()} · Done: carried a heavy TV" in mine
        await cli.send("quit", then="Bye!", last=True)
        assert await cli.close() == 0
    finally:
        if cli.process.returncode is None:
            await cli.kill()


async def test_a_killed_console_resumes_where_it_was(tmp_path: Path) -> None:
    """Killed while a form sent back with an error is being corrected (issue 16: the form
    is the only step that waits), it comes back with every answer kept."""
    env = cli_env(tmp_path / "resume.db")
    first = await Cli.start("console", "--as", "tom", env=env)
    await first.expect("> ")
    await first.send("log", then="What did you do?")
    await first.send("walked a lost child to the customer desk", then="customer need")
    await first.send("Child separated from his dad near the tills", then="How did it go?")
    await first.send("", then="When?")
    await first.send("2099-01-01", then="That date is in the future")
    await first.kill()  # SIGKILL mid-conversation

    second = await Cli.start("console", "--as", "tom", env=env)
    try:
        resumed = await second.expect("> ")
        assert "Welcome back. We were logging an action" in resumed
        assert "[Enter keeps: walked a lost child to the customer desk]" in resumed
        await second.send("", then="Enter keeps: Child separated from his dad near the tills")
        await second.send("", then="How did it go?")
        await second.send("Reunited within minutes", then="When?")
        saved = await second.send("yesterday")
        assert "Saved: your 1st extra-mile action" in saved
        assert "The customer's need: Child separated from his dad near the tills" in saved
        mine = await second.send("mine")
        assert f"{_yesterday()} · Done: walked a lost child" in mine
        await second.send("quit", then="Bye!", last=True)
        assert await second.close() == 0
    finally:
        if second.process.returncode is None:
            await second.kill()


async def test_the_saved_cards_numbers_still_tap_its_details_when_a_question_follows(
    tmp_path: Path,
) -> None:
    env = cli_env(tmp_path / "numbers.db")
    cli = await Cli.start("console", "--as", "tom", env=env)
    try:
        await cli.expect("> ")
        assert "Saved: your 1st" in await cli.send("log walked a lost child to the desk")
        saved = await cli.send("log carried a heavy TV to her car")
        assert "Saved: your 2nd" in saved and "Has anyone done this before?" in saved
        card = await cli.send(number_of(saved, "Busy time"))
        assert "The situation: A busy time" in card
        await cli.send("quit", then="Bye!", last=True)
        assert await cli.close() == 0
    finally:
        if cli.process.returncode is None:
            await cli.kill()


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
