"""Engine messages -> Adaptive Cards 1.5 (pure functions; tests validate the schema).

Every button is an `Action.Execute`: Teams sends an `adaptiveCard/action` invoke
and shows the card the bot answers with in place of the clicked one, so a card
always shows its current state (a decision, a chosen answer, a form's errors).

The engine's text is plain text, much of it typed by a person, and Teams reads
markdown in a TextBlock and a FactSet (bold, lists, links). So every text is shown
as TextRuns in a RichTextBlock, which Teams never reads as markdown: one block per
line, bidi controls and zero-width characters removed, each field capped. Only the
bot's own titles and labels are bold (a TextRun's weight, not `**`).
"""

from __future__ import annotations

from typing import Any

from bot.domain.text import lines_of, one_line, strip_invisible, tidy
from bot.messages import (
    Button,
    ButtonStyle,
    Card,
    CardField,
    CardUpdate,
    Document,
    FieldKind,
    Form,
    FormField,
    Outbound,
    Refusal,
    Replies,
    Text,
)

SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
VERSION = "1.5"
CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
SUBMIT_VERB = "form.submit"
MENU_VERB = "menu.choose"  # a menu of buttons with different actions
MENU_SEPARATOR = "::"
MAX_TEXT = 2000
MAX_FACTS = 30
MAX_ACTIONS = 6  # Teams shows up to six actions on a card
MAX_LABEL = 200
MAX_FIELD_LINES = 20
MAX_TEXT_LINES = 60
_STYLE = {ButtonStyle.PRIMARY: "positive", ButtonStyle.DANGER: "destructive"}
Json = dict[str, Any]


def cut(text: str, limit: int = MAX_TEXT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _card(body: list[Json], actions: list[Json] | None = None) -> Json:
    card: Json = {"type": "AdaptiveCard", "$schema": SCHEMA, "version": VERSION, "body": body}
    if actions:
        card["actions"] = actions
    return card


def _line(text: str, spacing: str | None = None, **run: Any) -> Json:
    """One line of plain text: a TextRun, which Teams shows without reading markdown."""
    block: Json = {"type": "RichTextBlock", "inlines": [{"type": "TextRun", "text": text, **run}]}
    if spacing:
        block["spacing"] = spacing
    return block


def _title(text: str) -> Json:
    return _line(one_line(text, 300) or "-", weight="Bolder", size="Medium")


def _text(text: str, spacing: str | None = None, **run: Any) -> list[Json]:
    """A text's lines, each its own block (blank lines become a gap), capped."""
    blocks: list[Json] = []
    gap = spacing
    room = MAX_TEXT
    for raw in strip_invisible(text).splitlines():
        line = " ".join(raw.split())
        if not line:
            gap = gap or "Medium"
            continue
        if room <= 1 or len(blocks) == MAX_TEXT_LINES:
            blocks.append(_line("…", "None", **run))
            break
        line = cut(line, room)
        room -= len(line)
        blocks.append(_line(line, gap or ("None" if blocks else None), **run))
        gap = None
    return blocks


def card_json(card: Card) -> Json:
    body: list[Json] = [_title(card.title)]
    body += _text(card.text)
    body += _facts(card.fields)
    if card.image_png_b64:
        # Teams shows a data URI inline; the alt text says the same in words.
        body.append(
            {
                "type": "Image",
                "url": f"data:image/png;base64,{card.image_png_b64}",
                "altText": cut(card.image_alt, 300),
                "size": "Stretch",
            }
        )
    for row in card.rows:
        # A labelled row of one-tap choices: the label, then its buttons in an ActionSet.
        body.append(_line(one_line(row.label, MAX_LABEL) or "-", "Medium", weight="Bolder"))
        body.append(
            {
                "type": "ActionSet",
                "actions": [_execute(button, card.title) for button in row.buttons],
            }
        )
    return _card(body, _actions(card))


def _facts(fields: tuple[CardField, ...]) -> list[Json]:
    """Each field as its bold label over its value (a FactSet would read markdown)."""
    blocks: list[Json] = []
    shown = fields[:MAX_FACTS]
    for field in shown:
        blocks.append(_line(one_line(field.label, MAX_LABEL) or "-", "Medium", weight="Bolder"))
        lines = lines_of(field.value, max_lines=MAX_FIELD_LINES, limit=MAX_TEXT) or ["-"]
        blocks += [_line(line, "None") for line in lines]
    if len(fields) > len(shown):
        blocks += _text(f"…and {len(fields) - len(shown)} more not shown here.", isSubtle=True)
    return blocks


def _actions(card: Card) -> list[Json]:
    buttons = card.buttons
    if len(buttons) > MAX_ACTIONS:
        # Many choices (a service-offer list): a menu instead of a row of buttons.
        return []
    return [_execute(button, card.title) for button in buttons]


def _execute(button: Button, card_title: str) -> Json:
    action: Json = {
        "type": "Action.Execute",
        "title": cut(button.label, 80),
        "verb": button.action_id,
        # The label and title travel with the click, to show what was chosen.
        "data": {
            "value": button.value,
            "label": cut(button.label, 80),
            "card": cut(card_title, 150),
        },
    }
    if button.style in _STYLE:
        action["style"] = _STYLE[button.style]
    return action


def choice_card_json(card: Card) -> Json:
    """A card with more buttons than Teams shows: one menu, one action."""
    if len(card.buttons) <= MAX_ACTIONS:
        return card_json(card)
    verbs = {b.action_id for b in card.buttons}
    mixed = len(verbs) > 1
    verb = MENU_VERB if mixed else verbs.pop()
    body = [_title(card.title)]
    body += _text(card.text)
    body += _facts(card.fields)
    body.append(
        {
            "type": "Input.ChoiceSet",
            "id": "choice",
            "style": "expanded",
            "isRequired": True,
            "errorMessage": "Pick one.",
            "choices": [
                {
                    "title": cut(strip_invisible(b.label), 200),
                    "value": f"{b.action_id}{MENU_SEPARATOR}{b.value}" if mixed else b.value,
                }
                for b in card.buttons
            ],
        }
    )
    action = {
        "type": "Action.Execute",
        "title": "OK",
        "verb": verb,
        "style": "positive",
        "data": {"card": cut(card.title, 150), "from_menu": True},
    }
    return _card(body, [action])


def form_json(form: Form) -> Json:
    body: list[Json] = [_title(form.title)]
    body += _text(form.intro, isSubtle=True)
    if form.errors:
        body += _text("Please check the fields marked below.", color="Attention", weight="Bolder")
    for field in form.fields:
        if field.kind is FieldKind.INFO:
            # Words to read, shown as text (never as a placeholder that typing hides).
            body.append(_line(one_line(field.label, MAX_LABEL) or "-", "Medium", weight="Bolder"))
            body += _text(field.value, "None")
            continue
        body.append(_input(field))
        if field.name in form.errors:
            body += _text(form.errors[field.name], "None", color="Attention")
    submit = {
        "type": "Action.Execute",
        "title": cut(form.submit_label, 80),
        "verb": SUBMIT_VERB,
        "style": "positive",
        "data": {"form_id": form.form_id, "card": cut(form.title, 150)},
    }
    return _card(body, [submit])


RADIO_OPTIONS = 4  # up to four choices show all at once: one tap each


def _choice_set(field: FormField, base: Json) -> Json:
    """Radio buttons for a few choices, a filtered list for many, ticks for checkboxes."""
    choices = [{"title": cut(o.label, 200), "value": o.value} for o in field.options]
    several = field.kind is FieldKind.CHECKBOXES
    style = "expanded" if several or len(choices) <= RADIO_OPTIONS else "filtered"
    element: Json = {"type": "Input.ChoiceSet", "style": style, "choices": choices, **base}
    if several:
        element["isMultiSelect"] = True
        ticked = [v for v in field.value.split(",") if v in {o.value for o in field.options}]
        if ticked:
            element["value"] = ",".join(ticked)
    elif field.value in {o.value for o in field.options}:
        element["value"] = field.value
    return element


def _input(field: FormField) -> Json:
    base: Json = {"id": field.name, "label": cut(field.label, 300), "isRequired": field.required}
    if field.required:
        base["errorMessage"] = "Needed."
    match field.kind:
        case FieldKind.CHOICE | FieldKind.CHECKBOXES:
            return _choice_set(field, base)
        case FieldKind.DATE:
            element = {"type": "Input.Date", **base}
            if field.hint:
                element["placeholder"] = cut(field.hint, 150)
            if len(field.value) == 10 and field.value[4] == "-":
                element["value"] = field.value
            return element
        case _:
            element = {
                "type": "Input.Text",
                "isMultiline": field.kind is FieldKind.LONG_TEXT,
                "value": field.value,
                **base,
            }
            if field.hint:
                element["placeholder"] = cut(field.hint, 150)
            if field.max_length:
                # Leave room over the limit, so over-long text reaches the bot and gets a
                # friendly message instead of being silently clipped by the client.
                element["maxLength"] = field.max_length * 2
            return element


def document_json(title: str, url: str, what: str = "PDF") -> Json:
    return _card(
        [_title(title), *_text(f"Your file ({what}). The link works for 24 hours.")],
        [{"type": "Action.OpenUrl", "title": f"Open the {what}", "url": url}],
    )


def settled_json(title: str, chosen: str) -> Json:
    """What a clicked card becomes: its title and the choice, with no buttons left."""
    return _card([_title(title), *_text(f"✓ {chosen}", color="Good", weight="Bolder")])


def text_of(replies: list[Outbound]) -> str:
    """The texts of a turn as one message's text, which the caller sends as plain text
    (Teams would read markdown in it otherwise), without invisible padding."""
    return "\n\n".join(tidy(r.text) for r in replies if isinstance(r, Text | Refusal))


def attachment_json(message: Outbound) -> Json | None:
    match message:
        case Card():
            return choice_card_json(message)
        case CardUpdate(card=card):
            return choice_card_json(card)
        case Form():
            return form_json(message)
        case Text() | Document() | Replies() | Refusal():
            return None  # a document becomes a link card where links can be signed
