"""A deed in one line: `log carried a TV to her car yesterday`, `/extramile …`, or a
direct message that reads as one. Saved at once, with the day, the cost and the time
taken from the sentence; the details and the customer's need are then one tap away."""

from __future__ import annotations

import re

from bot.context import Turn
from bot.domain.quantities import LineParts, read_line, without_days
from bot.features.general.flow import not_understood
from bot.features.general.offer_items import with_adopted_offer
from bot.features.log.draft import ActionDraft
from bot.features.log.form import deed_form
from bot.features.log.rules import check_draft
from bot.features.log.save import save_deed
from bot.messages import Outbound, Text

# A message that starts like chat or a question is not taken for a deed.
_CHAT = frozenset(
    [
        "thanks",
        "thank",
        "ok",
        "okay",
        "cool",
        "great",
        "hi",
        "hello",
        "hey",
        "yes",
        "no",
        "what",
        "how",
        "why",
        "when",
        "where",
        "who",
        "which",
        "can",
        "could",
        "would",
        "should",
        "is",
        "are",
        "do",
        "does",
        "did",
        "will",
        "please",
        "sorry",
    ]
)
MIN_WORDS = 4  # a message no command matched, to be taken for a deed
MIN_DEED_WORDS = 2  # a `log <line>`'s own words, besides its day, money and time
_WORD = re.compile(r"[^\W\d_]{2,}")  # a word of letters: not "£", "15" or "..."


async def log_line(turn: Turn, line: str) -> list[Outbound]:
    turn = await with_adopted_offer(turn)
    parts = read_line(line, turn.today)
    draft = ActionDraft(
        occurred_on=parts.day.isoformat(),
        cost=parts.cost,
        minutes=parts.minutes,
    ).merged({"extra": parts.text})
    if not says_a_deed(parts):
        # "log yesterday", "log £15": no deed in it. The form, with what was said.
        return [
            Text("What did you do? Tell me in a few words, or fill in the form."),
            deed_form(turn, draft.model_copy(update={"extra": ""}), {}),
        ]
    errors = check_draft(turn.org, draft, turn.today, one_line=True)
    for name in ("extra", "occurred_on"):
        if name in errors:
            return [Text(errors[name])]
    return await save_deed(turn, draft, from_form=False)


def says_a_deed(parts: LineParts) -> bool:
    """Whether a line says what was done: two words or more besides the day, the money
    and the time it mentions ("log yesterday" or "log £15" says nothing of the deed)."""
    rest = without_days(parts.text)
    for said in (parts.cost, parts.minutes):
        rest = rest.replace(said, " ") if said else rest
    return len(_WORD.findall(rest)) >= MIN_DEED_WORDS


def reads_as_deed(text: str) -> bool:
    """Whether a message no command matched is a deed told in a line, not chat."""
    words = text.split()
    first = words[0].lower().strip(",.!") if words else ""
    return len(words) >= MIN_WORDS and not text.rstrip().endswith("?") and first not in _CHAT


async def free_text(turn: Turn, text: str) -> list[Outbound]:
    """The answer to a message no command matched: saved as a deed when it reads as one."""
    if reads_as_deed(text):
        return await log_line(turn, text)
    return not_understood(turn)
