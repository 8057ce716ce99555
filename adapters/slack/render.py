"""Engine messages -> Block Kit, through slack_sdk's models (they validate shapes).

The engine's text is plain text, and much of it is what a person typed. So every
piece of it is escaped and marked verbatim (`<!channel>`, `<@U…>` and links typed by
a person never ping or link anyone), its formatting characters are made inert (see
`inert`), bidi controls and zero-width characters are removed, and blank-line runs
are collapsed. Only the labels the bot writes are bold. Lengths and counts are cut
to Slack's limits with a visible "…" rather than failing.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from adapters.slack.escaping import cut, escape, inert, mrkdwn, plain, unescape
from adapters.slack.modal_fields import form_block
from bot.domain.text import lines_of, one_line, tidy
from bot.messages import (
    Button,
    ButtonStyle,
    Card,
    CardField,
    Form,
    Text,
)

# `escape`, `unescape`, `cut` and `inert` live in adapters.slack.escaping; kept here too.
__all__ = ["cut", "escape", "inert", "unescape"]

MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
SECTION_TEXT = 3000
HEADER_TEXT = 150
BUTTON_TEXT = 75
VIEW_TITLE = 24
BUTTONS_PER_BLOCK = 25
ACTION_SEPARATOR = "|"
LABEL_TEXT = 200
FIELD_TEXT = 2000  # a field's value: what a person typed is at most 2,000 characters
FIELD_LINES = 20


@dataclass(frozen=True, slots=True)
class SlackMessage:
    """What chat.postMessage / chat.update take: blocks and the notification text."""

    text: str
    blocks: list[Block]
    # The blocks as JSON, made once: slack_sdk's to_dict validates every element again
    # on each call, and a cached message (adapters.slack.client.as_message) is sent often.
    _json: list[dict[str, object]] | None = dataclasses.field(
        default=None, compare=False, repr=False
    )

    def blocks_json(self) -> list[dict[str, object]]:
        if self._json is None:
            object.__setattr__(self, "_json", [block.to_dict() for block in self.blocks])
        assert self._json is not None
        return self._json


def combine(messages: list[SlackMessage]) -> SlackMessage:
    """One Slack message for one turn's replies: fewer notifications, fewer API calls."""
    blocks = [block for message in messages for block in message.blocks]
    text = " ".join(m.text for m in messages)
    return SlackMessage(text=cut(text, 3000), blocks=_fit(blocks, MESSAGE_BLOCKS))


def text_message(message: Text) -> SlackMessage:
    text = tidy(message.text)
    blocks: list[Block] = [SectionBlock(text=mrkdwn(chunk)) for chunk in _chunks(text)]
    return SlackMessage(text=cut(inert(text), 3000), blocks=_fit(blocks, MESSAGE_BLOCKS))


def card_message(card: Card) -> SlackMessage:
    return SlackMessage(
        text=cut(inert(one_line(card.title, 3000)), 3000),
        blocks=_fit(card_blocks(card), MESSAGE_BLOCKS),
    )


def card_blocks(card: Card) -> list[Block]:
    blocks: list[Block] = [HeaderBlock(text=plain(one_line(card.title, 3000), HEADER_TEXT))]
    text = tidy(card.text)
    if text:
        blocks += [SectionBlock(text=mrkdwn(chunk)) for chunk in _chunks(text)]
    blocks += _field_sections(card.fields)
    offset = 0  # button indices run on across the rows: action_ids unique in a message
    for row in card.rows:
        blocks.append(_section(f"*{inert(one_line(row.label, LABEL_TEXT))}*"))
        blocks += _button_rows(row.buttons, offset)
        offset += len(row.buttons)
    blocks += _button_rows(card.buttons, offset)
    return blocks


def _field_sections(fields: tuple[CardField, ...]) -> list[Block]:
    sections: list[Block] = []
    lines: list[str] = []
    size = 0
    for field in fields:
        line = cut(
            f"*{inert(one_line(field.label, LABEL_TEXT))}*\n{_value(field.value)}", SECTION_TEXT
        )
        if lines and size + len(line) + 2 > SECTION_TEXT:
            sections.append(_section("\n\n".join(lines)))
            lines, size = [], 0
        lines.append(line)
        size += len(line) + 2
    if lines:
        sections.append(_section("\n\n".join(lines)))
    return sections


def _value(value: str) -> str:
    """A field's value as mrkdwn: one line as it is; several lines quoted, so that no
    line of it stands alone where a label could be. Capped in lines and characters."""
    lines = [inert(line) for line in lines_of(value, max_lines=FIELD_LINES, limit=FIELD_TEXT)]
    if len(lines) <= 1:
        return lines[0] if lines else "-"
    return "\n".join(f"> {line}" for line in lines)


def _section(escaped: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=escaped, verbatim=True))


def _button_rows(buttons: tuple[Button, ...], offset: int = 0) -> list[Block]:
    rows: list[Block] = []
    for start in range(0, len(buttons), BUTTONS_PER_BLOCK):
        chunk = buttons[start : start + BUTTONS_PER_BLOCK]
        rows.append(
            ActionsBlock(
                elements=[_button(b, offset + start + i) for i, b in enumerate(chunk)],
            )
        )
    return rows


def _button(button: Button, index: int) -> ButtonElement:
    # Slack wants action_ids unique within a message; the index makes them so and
    # `engine_action_id` takes it off again.
    style = None if button.style is ButtonStyle.DEFAULT else button.style.value
    return ButtonElement(
        text=plain(button.label, BUTTON_TEXT),
        action_id=f"{button.action_id}{ACTION_SEPARATOR}{index}",
        value=button.value or "-",
        style=style,
    )


def engine_action_id(slack_action_id: str) -> str:
    return slack_action_id.split(ACTION_SEPARATOR, 1)[0]


def engine_button_value(slack_value: str) -> str:
    return "" if slack_value == "-" else slack_value


def _chunks(text: str) -> list[str]:
    text = text or " "
    return [text[i : i + SECTION_TEXT - 100] for i in range(0, len(text), SECTION_TEXT - 100)]


def _fit(blocks: list[Block], limit: int) -> list[Block]:
    """Keep within Slack's block count, saying what was left out."""
    if len(blocks) <= limit:
        return blocks
    kept = blocks[: limit - 1]
    left = len(blocks) - len(kept)
    note = ContextBlock(elements=[mrkdwn(f"…and {left} more not shown here.")])
    return [*kept, note]


# --- forms as modals -------------------------------------------------------------


def form_view(form: Form) -> View:
    blocks: list[Block] = []
    if form.intro:
        blocks.append(SectionBlock(text=mrkdwn(form.intro)))
    blocks += [form_block(field) for field in form.fields]
    return View(
        type="modal",
        callback_id=form.form_id,
        private_metadata=form.form_id,
        title=plain(form.title, VIEW_TITLE),
        submit=plain(form.submit_label, VIEW_TITLE),
        close=plain("Cancel", VIEW_TITLE),
        blocks=_fit(blocks, VIEW_BLOCKS),
    )


def form_errors(form: Form) -> dict[str, str]:
    """`response_action: errors` wants messages keyed by block id (our field names)."""
    return {name: cut(message, 2000) for name, message in form.errors.items()}


def home_view(cards: list[Card]) -> View:
    blocks: list[Block] = []
    for index, card in enumerate(cards):
        if index:
            blocks.append(DividerBlock())
        blocks += card_blocks(card)
    return View(type="home", blocks=_fit(blocks, VIEW_BLOCKS))
