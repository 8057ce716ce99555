"""Render the engine's outbound messages as plain terminal text (pure functions)."""

from __future__ import annotations

from bot.messages import (
    Button,
    Card,
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


def render(message: Outbound, first: int = 1) -> tuple[str, tuple[Button, ...]]:
    """The text to print, and the buttons the person may pick by number (numbered from
    `first`, so that several messages shown together never share a number)."""
    match message:
        case Text(text=text) | Refusal(text=text):
            return text, ()  # a refusal is plain words too: nothing changed
        case Card() as card:
            return _card(card, first), card.all_buttons
        case CardUpdate(card=card):
            return "(updated) " + _card(card, first), card.all_buttons
        case Form() as form:
            return f"== {form.title} ==\n{form.intro}".rstrip(), ()
        case Document(title=title, filename=filename):
            return f"📄 {title}: saved as {filename}", ()
        case Replies(items=items):
            texts: list[str] = []
            buttons: tuple[Button, ...] = ()
            for item in items:
                text, more = render(item, first + len(buttons))
                texts += [text] if text else []
                buttons += more
            return "\n\n".join(texts), buttons


def _card(card: Card, first: int = 1) -> str:
    lines = [f"== {card.title} =="]
    if card.text:
        lines.append(card.text)
    lines += [f"  {f.label}: {f.value}" for f in card.fields]
    number = first  # the rows' buttons are numbered first, as `all_buttons` lists them
    for row in card.rows:
        lines.append(
            f"  {row.label}: "
            + "  ".join(f"[{number + i}] {b.label}" for i, b in enumerate(row.buttons))
        )
        number += len(row.buttons)
    labels = [f"[{i}] {b.label}" for i, b in enumerate(card.buttons, number)]
    # A long list of choices reads better one per line.
    lines += labels if len(labels) > 3 else ["  ".join(labels)] if labels else []
    return "\n".join(lines)


def field_prompt(field: FormField, error: str | None) -> str:
    lines = []
    if error:
        lines.append(f"! {error}")
    if field.kind is FieldKind.INFO:
        return "\n".join([field.label, *(f"  • {line}" for line in field.value.splitlines())])
    optional = "" if field.required else " (optional)"
    lines.append(f"{field.label}{optional}")
    if field.hint:
        lines.append(f"  ({field.hint})")
    if field.kind in (FieldKind.CHOICE, FieldKind.CHECKBOXES):
        lines += [f"  {i}. {o.label}" for i, o in enumerate(field.options, 1)]
    if field.kind is FieldKind.CHECKBOXES:
        lines.append("  (the numbers of all that apply, like 1 2 4; - for none)")
    if field.value:
        shown = _choice_label(field, field.value)
        lines.append(f"  [Enter keeps: {shown}]")
    return "\n".join(lines)


def _choice_label(field: FormField, value: str) -> str:
    return next((o.label for o in field.options if o.value == value), value)


def read_field_answer(field: FormField, typed: str) -> str:
    """Turn what was typed at a form prompt into the field's value (Enter keeps it)."""
    typed = typed.strip()
    if not typed:
        return field.value
    if field.kind is FieldKind.CHECKBOXES:
        return _ticked(field, typed)
    if field.kind is FieldKind.CHOICE and typed.isdigit():
        number = int(typed)
        if 1 <= number <= len(field.options):
            return field.options[number - 1].value
    return typed


def _ticked(field: FormField, typed: str) -> str:
    """ "1 3" or "1,3": those options' values, comma-separated; "-" ticks none."""
    numbers = typed.replace(",", " ").split()
    picked = [
        field.options[int(n) - 1].value
        for n in numbers
        if n.isdigit() and 1 <= int(n) <= len(field.options)
    ]
    return ",".join(dict.fromkeys(picked))
