"""A deed in one line: `log carried a TV to her car yesterday`, `/extramile …`, or a
direct message that reads as one. Saved at once, with the day, the cost and the time
taken from the sentence; the details and the customer's need are then one tap away."""

from __future__ import annotations

from bot.context import Turn
from bot.domain.quantities import read_line
from bot.features.general.flow import not_understood
from bot.features.general.offer_items import with_adopted_offer
from bot.features.log.draft import ActionDraft
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
MIN_WORDS = 4


async def log_line(turn: Turn, line: str) -> list[Outbound]:
    turn = await with_adopted_offer(turn)
    parts = read_line(line, turn.today)
    draft = ActionDraft(
        occurred_on=parts.day.isoformat(),
        cost=parts.cost,
        minutes=parts.minutes,
    ).merged({"extra": parts.text})
    errors = check_draft(turn.org, draft, turn.today, one_line=True)
    for name in ("extra", "occurred_on"):
        if name in errors:
            return [Text(errors[name])]
    return await save_deed(turn, draft, from_form=False)


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
