"""A shop floor for the Slack rows: the example organisation with CROWD more staff, so
that 50 requests in flight are 50 people's, as on a busy morning, not one person's.

One person's answers are delivered in the order she asked (the outbox sends her next
one when her last has reached Slack, bot.delivery.dispatcher), which a bare app that
posts whatever comes does not promise; the bench still measures that case too (the
"one person" row), but the targets are read from the crowd.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from pathlib import Path

import yaml

from bench.load import IN_ITS_DM, signed_command
from bot.settings import EXAMPLE_ORG_FILE

CROWD = 50
ONE_PERSON = "U0ASHA01"  # Asha, of the example shop


def crowd_ids(size: int = CROWD) -> list[str]:
    """Slack user ids of the crowd: Asha, then the bench's staff."""
    return [ONE_PERSON, *(f"U0BENCH{index:03d}" for index in range(1, size))]


def write_crowd_org(path: Path, size: int = CROWD) -> Path:
    """The example organisation with the crowd added as staff under its supervisor Sam."""
    org = yaml.safe_load(EXAMPLE_ORG_FILE.read_text(encoding="utf-8"))
    known = {person.get("slack") for person in org["people"]}
    for index, slack in enumerate(crowd_ids(size)):
        if slack not in known:
            org["people"].append(
                {
                    "id": f"bench{index:03d}",
                    "name": f"Bench Person {index}",
                    "role": "staff",
                    "supervisor": "sam",
                    "slack": slack,
                }
            )
    path.write_text(yaml.safe_dump(org, allow_unicode=True), encoding="utf-8")
    return path


def dm_of(user: str) -> str:
    """Her DM with the bot, as the fake Slack names it (D + the user id's tail)."""
    return "D" + user[1:]


def commands(
    where: str, people: list[str], text: str = "help"
) -> Callable[[], tuple[bytes, dict[str, str]]]:
    """Signed `/extramile <text>` from each of `people` in turn, typed in her DM with the
    bot (`where` == IN_ITS_DM) or in a channel."""
    turns: Iterator[str] = itertools.cycle(people)

    def command() -> tuple[bytes, dict[str, str]]:
        user = next(turns)
        channel = dm_of(user) if where == IN_ITS_DM else where
        return signed_command(text, channel, user=user)

    return command
