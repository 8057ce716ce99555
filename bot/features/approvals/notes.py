"""The few words a supervisor or requester types (a decline's reason, a question, its
answer): the one-field forms that take them, and checking what was typed."""

from __future__ import annotations

from dataclasses import dataclass

from bot.context import Turn
from bot.domain.names import person_name
from bot.domain.records import RequestView
from bot.domain.text import clean
from bot.features.approvals.access import open_request
from bot.features.approvals.card import MAX_NOTE
from bot.messages import FieldKind, Form, FormField, Outbound
from bot.routes import FormId, form_about

APPROVE_FORM = "request-approve"
DECLINE_FORM = "request-decline"
ASK_FORM = "request-ask"
ANSWER_FORM = "request-answer"


@dataclass(frozen=True, slots=True)
class Note:
    """One kind of note: its form, and how the one field is asked for."""

    form: str
    title: str
    name: str
    label: str  # may name {requester}
    submit: str
    required: bool = True

    def ask(self, request: RequestView, names: str, errors: dict[str, str], value: str) -> Form:
        label = self.label.format(requester=names.split()[0])
        form_id = form_about(self.form, request.id)
        return note_form(
            form_id, self.title, self.name, label, self.submit, errors, value, self.required
        )


COMMENT = Note(
    APPROVE_FORM,
    "Approve the request",
    "comment",
    "A comment for {requester} (optional)",
    "Approve",
    required=False,
)
REASON = Note(
    DECLINE_FORM, "Decline the request", "reason", "Why? {requester} will see this", "Decline"
)
QUESTION = Note(ASK_FORM, "Ask for more info", "question", "Your question for {requester}", "Ask")


async def ask_for_note(turn: Turn, request_id: str, note: Note) -> list[Outbound]:
    """Decline and Ask need a few words from the supervisor first (a comment on an
    approval may be left empty)."""
    found = await open_request(turn, request_id)
    if not isinstance(found, RequestView):
        return found
    return [note.ask(found, person_name(turn.org, found.requester_id), {}, "")]


async def submitted_note(
    turn: Turn, form: FormId, values: dict[str, str], note: Note
) -> tuple[RequestView, str] | list[Outbound]:
    """The request a note's form is about and the note typed; or what to answer instead
    (a refusal, or the form again with what is wrong). An optional note may be empty."""
    found = await open_request(turn, form.param)
    if not isinstance(found, RequestView):
        return found
    text, problem = read_note(values, note.name)
    if problem and (text or note.required):
        requester = person_name(turn.org, found.requester_id)
        return [note.ask(found, requester, {note.name: problem}, text)]
    return found, text


def note_form(
    form_id: str,
    title: str,
    name: str,
    label: str,
    submit: str,
    errors: dict[str, str],
    value: str = "",
    required: bool = True,
    *,
    intro: str = "",
    hint: str = "",
    max_length: int = MAX_NOTE,
) -> Form:
    """A form of one long-text field: a note here, and the same shape wherever a person
    types a few words (a witness's sentence, an answer to an assessor or a knowledge
    question), which may set the form's intro, the field's hint and its length."""
    return Form(
        form_id=form_id,
        title=title,
        submit_label=submit,
        errors=errors,
        intro=intro,
        fields=(
            FormField(
                name,
                label,
                FieldKind.LONG_TEXT,
                required=required,
                value=value,
                hint=hint,
                max_length=max_length,
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
