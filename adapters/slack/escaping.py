"""Text for Block Kit: what a person typed is shown as written and formats nothing
(escaped, formatting characters made inert, invisible characters gone), cut to Slack's
limits with a visible "…"."""

from __future__ import annotations

import re

from slack_sdk.models.blocks import MarkdownTextObject, PlainTextObject

from bot.domain.text import strip_invisible, tidy

SECTION_TEXT = 3000

# Slack has no escape for its formatting characters: inside mrkdwn a typed *word* is
# bold, _word_ italic, ~word~ struck out and `word` code, whatever `verbatim` says. So
# they never reach Slack as typed: each becomes the character that looks most like it
# and that Slack's parser ignores (∗ U+2217, ˍ U+02CD, ∼ U+223C, ˋ U+02CB). The reader
# sees the text as it was written; nothing invisible is slipped in (zero-width
# characters are what we strip), and no entity is used (Slack shows &#42; literally).
_INERT = str.maketrans({"*": "∗", "_": "ˍ", "~": "∼", "`": "ˋ"})
# An emoji Slack sent by its name (:slightly_smiling_face:) keeps its underscores: they
# sit between letters, where Slack never reads them as italics.
_EMOJI_NAME = re.compile(r"(:[a-z0-9+'-]+(?:_[a-z0-9+'-]+)+:)")


def escape(text: str) -> str:
    """Slack's three control characters; nothing the person typed becomes markup."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def inert(text: str) -> str:
    """Plain text as mrkdwn that shows it and formats nothing: escaped, and with
    *, _, ~ and ` swapped for look-alikes Slack does not act on (see `_INERT`)."""
    parts = _EMOJI_NAME.split(text)
    return escape(
        "".join(part if i % 2 else part.translate(_INERT) for i, part in enumerate(parts))
    )


def unescape(text: str) -> str:
    """What Slack sends for typed text has the same three characters escaped."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def mrkdwn(text: str, limit: int = SECTION_TEXT) -> MarkdownTextObject:
    return MarkdownTextObject(text=cut(inert(tidy(text)), limit), verbatim=True)


def plain(text: str, limit: int) -> PlainTextObject:
    # plain_text is never formatted; it still must not carry bidi or invisible padding.
    return PlainTextObject(text=cut(strip_invisible(text), limit), emoji=True)
