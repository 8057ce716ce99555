"""A form's fields as modal blocks: radio buttons for up to four choices, a select for
more, checkboxes, a date picker, text inputs, and words to read (the rules)."""

from __future__ import annotations

import re

from slack_sdk.models.blocks import (
    Block,
    CheckboxesElement,
    DatePickerElement,
    InputBlock,
    InputInteractiveElement,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
    SectionBlock,
    StaticSelectElement,
)

from adapters.slack.escaping import SECTION_TEXT, cut, inert, plain
from bot.domain.text import lines_of, one_line
from bot.messages import MAX_CHOICES, FieldKind, FormField

OPTION_TEXT = 75
SELECT_OPTIONS = MAX_CHOICES  # Slack's limit, which the flows keep to
CHECKBOXES = 10
LABEL_TEXT = 200
FIELD_TEXT = 2000
FIELD_LINES = 20
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def form_block(field: FormField) -> Block:
    if field.kind is FieldKind.INFO:
        # Words to read; the bot's label bold, the organisation's text as it is.
        words = "\n".join(
            inert(line) for line in lines_of(field.value, max_lines=FIELD_LINES, limit=FIELD_TEXT)
        )
        return SectionBlock(
            block_id=field.name,
            text=MarkdownTextObject(
                text=cut(f"*{inert(one_line(field.label, LABEL_TEXT))}*\n{words}", SECTION_TEXT),
                verbatim=True,
            ),
        )
    return _input(field)


def _input(field: FormField) -> InputBlock:
    return InputBlock(
        block_id=field.name,
        label=plain(field.label, 2000),
        element=_element(field),
        optional=not field.required,
        hint=plain(field.hint, 2000) if field.hint else None,
    )


RADIO_OPTIONS = 4  # up to four choices are radio buttons: one tap, all in sight


def _element(field: FormField) -> InputInteractiveElement:
    match field.kind:
        case FieldKind.CHECKBOXES:
            ticks = [
                Option(value=o.value, text=plain(o.label, OPTION_TEXT))
                for o in field.options[:CHECKBOXES]
            ]
            ticked = set(field.value.split(","))
            return CheckboxesElement(
                action_id=field.name,
                options=ticks,
                initial_options=[o for o in ticks if o.value in ticked] or None,
            )
        case FieldKind.CHOICE:
            options = [
                Option(value=o.value, text=plain(o.label, OPTION_TEXT))
                for o in field.options[:SELECT_OPTIONS]
            ]
            chosen = next((o for o in options if o.value == field.value), None)
            if len(options) <= RADIO_OPTIONS:
                return RadioButtonsElement(
                    action_id=field.name, options=options, initial_option=chosen
                )
            return StaticSelectElement(
                action_id=field.name,
                placeholder=plain("Choose…", 150),
                options=options,
                initial_option=chosen,
            )
        case FieldKind.DATE:
            initial = field.value if _ISO_DATE.match(field.value) else None
            return DatePickerElement(action_id=field.name, initial_date=initial)
        case _:
            return PlainTextInputElement(
                action_id=field.name,
                multiline=field.kind is FieldKind.LONG_TEXT,
                initial_value=field.value or None,
                max_length=field.max_length,
            )
