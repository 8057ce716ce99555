"""The engine's own message types: what comes in from a platform, what goes out.

Adapters translate platform payloads into the inbound types and render the
outbound ones (Block Kit, Adaptive Cards, console prompts). Nothing here knows
about any platform's wire format.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class Sender:
    """Who acted, as the platform knows them (`platform` is slack, teams or console)."""

    platform: str
    user_id: str


@dataclass(frozen=True, slots=True)
class Address:
    """Where the sender can be reached again, as their platform told us with this message:
    the platform's own reference (a Slack DM channel, a Teams conversation reference), as
    a JSON-able mapping, and the time zone the platform reported, if it did.

    The engine saves it, when it changed, in the turn's own transaction."""

    reference: Mapping[str, object]
    timezone: str | None = None


@dataclass(frozen=True, slots=True)
class TextMessage:
    sender: Sender
    text: str
    event_key: str
    address: Address | None = None


@dataclass(frozen=True, slots=True)
class ButtonClick:
    sender: Sender
    action_id: str
    value: str
    event_key: str
    address: Address | None = None


@dataclass(frozen=True, slots=True)
class FormSubmission:
    sender: Sender
    form_id: str
    values: Mapping[str, str]
    event_key: str
    address: Address | None = None


@dataclass(frozen=True, slots=True)
class QuotedMessage:
    """A message someone picked to record (e.g. Slack's "Record as customer feedback")."""

    sender: Sender
    text: str
    author: str | None
    event_key: str
    address: Address | None = None


Inbound = TextMessage | ButtonClick | FormSubmission | QuotedMessage


class ButtonStyle(StrEnum):
    DEFAULT = "default"
    PRIMARY = "primary"
    DANGER = "danger"


@dataclass(frozen=True, slots=True)
class Button:
    label: str
    action_id: str
    value: str = ""
    style: ButtonStyle = ButtonStyle.DEFAULT


@dataclass(frozen=True, slots=True)
class CardField:
    label: str
    value: str


@dataclass(frozen=True, slots=True)
class ButtonRow:
    """A labelled row of one-tap choices on a card (e.g. "The situation: Routine · Busy")."""

    label: str
    buttons: tuple[Button, ...]


@dataclass(frozen=True, slots=True)
class Text:
    """A plain reply. `text` is the user-visible text; adapters escape markup."""

    text: str


@dataclass(frozen=True, slots=True)
class Refusal:
    """A click (or a form) that was refused: nothing changed, and the card clicked keeps
    its buttons. `text` tells the person who acted, politely and without internals.

    Adapters show it to that person alone and in place (Slack: ephemeral; Teams: the
    invoke's message answer), never settle the clicked card, and never queue it: it is
    no message for anyone's chat history.
    """

    text: str


@dataclass(frozen=True, slots=True)
class Card:
    title: str
    text: str = ""
    fields: tuple[CardField, ...] = ()
    buttons: tuple[Button, ...] = ()
    # Lets a later CardUpdate find the posted card (e.g. an approval request).
    card_key: str | None = None
    # A chart or picture: PNG bytes in base64, and its words. Queued, the bytes are stored
    # once (storage.blobs) and the outbox row holds `image_id`; they are put back to send.
    image_png_b64: str = ""
    image_alt: str = ""
    image_id: int | None = None
    # Labelled rows of choices, shown between the fields and the buttons.
    rows: tuple[ButtonRow, ...] = ()

    @property
    def all_buttons(self) -> tuple[Button, ...]:
        """Every button, the rows' first, in the order they are shown."""
        return (*(b for row in self.rows for b in row.buttons), *self.buttons)


class FieldKind(StrEnum):
    TEXT = "text"
    LONG_TEXT = "long_text"
    CHOICE = "choice"
    DATE = "date"
    NUMBER = "number"
    # Tick any of the options: the value is the ticked options' values, comma-separated.
    CHECKBOXES = "checkboxes"
    # No input: words to read (the organisation's guidelines) where they are needed.
    INFO = "info"


# The most choices a form's select offers: every platform shows at least this many (Slack
# no more), so a flow that offers more must leave out the least likely, not its last one.
MAX_CHOICES = 100


@dataclass(frozen=True, slots=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True, slots=True)
class FormField:
    """One input of a form. A CHOICE of up to four options shows as radio buttons."""

    name: str
    label: str
    kind: FieldKind
    required: bool = True
    value: str = ""
    hint: str = ""
    options: tuple[Choice, ...] = ()
    max_length: int | None = None


@dataclass(frozen=True, slots=True)
class Form:
    """A form to fill in at once; `errors` maps a field name to a friendly message."""

    form_id: str
    title: str
    fields: tuple[FormField, ...]
    submit_label: str = "Next"
    errors: Mapping[str, str] = field(default_factory=dict)
    intro: str = ""


@dataclass(frozen=True, slots=True)
class CardUpdate:
    """Replace an earlier card (found by its `card_key`) with a new one."""

    card_key: str
    card: Card


@dataclass(frozen=True, slots=True)
class Document:
    """A file for the person (an evidence portfolio): Slack uploads it, Teams links to it."""

    filename: str
    title: str
    content_b64: str  # queued, stored once as `blob_id` instead (like Card.image_png_b64)
    person_id: str  # whose document it is, for a link that rebuilds it
    mime: str = "application/pdf"
    kind: str = "portfolio"  # or "export": what a link rebuilds
    blob_id: int | None = None


@dataclass(frozen=True, slots=True)
class Replies:
    """A turn's answers to the person who acted, delivered together as one message.

    Queued in the outbox in the turn's own transaction, so the answer to an
    acknowledged request survives a crash between the ack and the reply.
    """

    items: tuple[Text | Card | Form | Document, ...]


Outbound = Text | Card | Form | CardUpdate | Document | Replies | Refusal


def opened(messages: Iterable[Outbound]) -> list[Outbound]:
    """The messages, with any Replies opened out into the ones it holds."""
    return [
        item
        for message in messages
        for item in (message.items if isinstance(message, Replies) else (message,))
    ]


def card_keys(message: Outbound) -> list[str]:
    """The keys of the cards in `message` that a later CardUpdate may replace."""
    cards = [m.card if isinstance(m, CardUpdate) else m for m in opened([message])]
    return [card.card_key for card in cards if isinstance(card, Card) and card.card_key]
