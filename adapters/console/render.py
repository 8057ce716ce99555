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


def render(message: Outbound) -> tuple[str, tuple[Button, ...]]:
    """The text to print, and the buttons the person may pick by number."""
    match message:
        case Text(text=text) | Refusal(text=text):
            return text, ()  # a refusal is plain words too: nothing changed
        case Card() as card:
            return _card(card), card.buttons
        case CardUpdate(card=card):
            return "(updated) " + _card(card), card.buttons
        case Form() as form:
            return f"== {form.title} ==\n{form.intro}".rstrip(), ()
        case Document(title=title, filename=filename):
            return f"📄 {title}: saved as {filename}", ()
        case Replies(items=items):
            shown = [render(item) for item in items]
            buttons = next((b for _, b in reversed(shown) if b), ())
            return "\n\n".join(text for text, _ in shown if text), buttons


def _card(card: Card) -> str:
    lines = [f"== {card.title} =="]
    if card.text:
        lines.append(card.text)
    lines += [f"  {f.label}: {f.value}" for f in card.fields]
    labels = [f"[{i}] {b.label}" for i, b in enumerate(card.buttons, 1)]
    # A long list of choices reads better one per line.
    lines += labels if len(labels) > 3 else ["  ".join(labels)] if labels else []
    return "\n".join(lines)


def field_prompt(field: FormField, error: str | None) -> str:
    lines = []
    if error:
        lines.append(f"! {error}")
    optional = "" if field.required else " (optional)"
    lines.append(f"{field.label}{optional}")
    if field.hint:
        lines.append(f"  ({field.hint})")
    if field.kind is FieldKind.CHOICE:
        lines += [f"  {i}. {o.label}" for i, o in enumerate(field.options, 1)]
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
    if field.kind is FieldKind.CHOICE and typed.isdigit():
        number = int(typed)
        if 1 <= number <= len(field.options):
            return field.options[number - 1].value
    return typed
