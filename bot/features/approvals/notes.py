"""The few words a supervisor or requester types (a decline's reason, a question, its
answer): the one-field forms that take them, and checking what was typed."""

from __future__ import annotations

from bot.context import Turn
from bot.domain.names import person_name
from bot.domain.records import RequestView
from bot.domain.text import clean
from bot.features.approvals.access import open_request
from bot.features.approvals.card import MAX_NOTE
from bot.messages import FieldKind, Form, FormField, Outbound
from bot.routes import form_about

APPROVE_FORM = "request-approve"
DECLINE_FORM = "request-decline"
ASK_FORM = "request-ask"
ANSWER_FORM = "request-answer"


async def ask_for_note(
    turn: Turn,
    request_id: str,
    form: str,
    title: str,
    name: str,
    label: str,
    submit: str,
    required: bool = True,
) -> list[Outbound]:
    """Decline and Ask need a few words from the supervisor first (a comment on an
    approval may be left empty)."""
    found = await open_request(turn, request_id)
    if not isinstance(found, RequestView):
        return found
    requester = person_name(turn.org, found.requester_id).split()[0]
    return [
        note_form(
            form_about(form, found.id),
            title,
            name,
            label.format(requester=requester),
            submit,
            {},
            required=required,
        )
    ]


def note_form(
    form_id: str,
    title: str,
    name: str,
    label: str,
    submit: str,
    errors: dict[str, str],
    value: str = "",
    required: bool = True,
) -> Form:
    return Form(
        form_id=form_id,
        title=title,
        submit_label=submit,
        errors=errors,
        fields=(
            FormField(
                name,
                label,
                FieldKind.LONG_TEXT,
                required=required,
                value=value,
                max_length=MAX_NOTE,
            ),
        ),
    )


def read_note(values: dict[str, str], name: str) -> tuple[str, str | None]:
    """The typed note, cleaned, and what is wrong with it (None if nothing)."""
    text = clean(values.get(name, ""))
    if not text:
        return text, "A few words, please."
    if len(text) > MAX_NOTE:
        return text, f"That's {len(text):,} characters; please keep it under {MAX_NOTE}."
    return text, None


def answer_form(request_id: str, errors: dict[str, str] | None = None, value: str = "") -> Form:
    return note_form(
        form_about(ANSWER_FORM, request_id),
        "Answer the question",
        "answer",
        "Your answer",
        "Send",
        errors or {},
        value,
    )
