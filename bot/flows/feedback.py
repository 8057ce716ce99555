"""Record customer feedback against an action (P13, P14), with personal data removed."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel

from bot.flows.turn import Turn
from bot.messages import Button, Card, CardField, Choice, FieldKind, Form, FormField, Outbound
from bot.redact import redact
from bot.text import clean, shorten
from storage.actions import recent_actions
from storage.conversations import ConversationState, clear_state, load_state, save_state
from storage.events import audit
from storage.feedback import NewFeedback, add_feedback

FLOW = "feedback"
FORM_ID = "feedback"
NO_ACTION = "none"
MAX_WORDS = 2000


class Channel(StrEnum):
    IN_PERSON = "in_person"
    PHONE = "phone"
    EMAIL = "email"
    ONLINE_REVIEW = "online_review"
    SURVEY = "survey"
    OTHER = "other"


CHANNEL_CHOICES = (
    Choice(Channel.IN_PERSON, "In person"),
    Choice(Channel.PHONE, "Phone"),
    Choice(Channel.EMAIL, "Email"),
    Choice(Channel.ONLINE_REVIEW, "Online review"),
    Choice(Channel.SURVEY, "Survey"),
    Choice(Channel.OTHER, "Other"),
)
SENTIMENT_CHOICES = (
    Choice("positive", "Positive"),
    Choice("mixed", "Mixed"),
    Choice("negative", "Negative"),
)
RATING_CHOICES = tuple(Choice(str(n), "★" * n) for n in range(1, 6))


class FeedbackDraft(BaseModel):
    action: str = ""
    channel: str = ""
    sentiment: str = ""
    words: str = ""
    rating: str = ""
    quoted_from: str = ""


async def open_form(turn: Turn, words: str = "", quoted_from: str | None = None) -> list[Outbound]:
    draft = FeedbackDraft(words=clean(words)[:MAX_WORDS], quoted_from=quoted_from or "")
    await save_state(turn.uow, turn.person.id, ConversationState(FLOW, "form", draft.model_dump()))
    return [await _form(turn, draft, {})]


async def reopen(turn: Turn) -> list[Outbound]:
    """The form again, with whatever was already filled in."""
    state = await load_state(turn.uow, turn.person.id)
    if state is None or state.flow != FLOW:
        return await open_form(turn)
    return [await _form(turn, FeedbackDraft.model_validate(state.data), {})]


async def _form(turn: Turn, draft: FeedbackDraft, errors: dict[str, str]) -> Form:
    actions = await recent_actions(turn.uow, turn.person.id, limit=10)
    action_choices = tuple(
        Choice(str(a.id), shorten(f"{a.occurred_on:%d %b}: {a.extra}", 70)) for a in actions
    )
    return Form(
        form_id=FORM_ID,
        title="Customer feedback",
        intro="What did the customer say? I remove e-mail addresses, phone and card "
        "numbers and postcodes before storing it. Please leave out names.",
        fields=(
            FormField(
                "action",
                "Which of your actions is it about?",
                FieldKind.CHOICE,
                value=draft.action or NO_ACTION,
                options=(*action_choices, Choice(NO_ACTION, "None of them")),
            ),
            FormField(
                "channel",
                "How did it reach us?",
                FieldKind.CHOICE,
                value=draft.channel,
                options=CHANNEL_CHOICES,
            ),
            FormField(
                "sentiment",
                "Was it positive?",
                FieldKind.CHOICE,
                value=draft.sentiment,
                options=SENTIMENT_CHOICES,
            ),
            FormField(
                "words",
                "The customer's words",
                FieldKind.LONG_TEXT,
                value=draft.words,
                max_length=MAX_WORDS,
            ),
            FormField(
                "rating",
                "Rating, if they gave one",
                FieldKind.CHOICE,
                required=False,
                value=draft.rating,
                options=RATING_CHOICES,
            ),
        ),
        submit_label="Save",
        errors=errors,
    )


def _check(draft: FeedbackDraft, action_ids: set[str]) -> dict[str, str]:
    errors: dict[str, str] = {}
    if draft.action not in action_ids | {NO_ACTION, ""}:
        errors["action"] = "Pick one of your recent actions, or 'None of them'."
    if draft.channel not in {c.value for c in CHANNEL_CHOICES}:
        errors["channel"] = "Say how the feedback reached us."
    if draft.sentiment not in {c.value for c in SENTIMENT_CHOICES}:
        errors["sentiment"] = "Say whether it was positive, mixed or negative."
    if not draft.words:
        errors["words"] = "Please add what the customer said."
    elif len(draft.words) > MAX_WORDS:
        errors["words"] = (
            f"That's {len(draft.words):,} characters; please keep it under {MAX_WORDS:,}."
        )
    if draft.rating and draft.rating not in {c.value for c in RATING_CHOICES}:
        errors["rating"] = "A rating is 1 to 5 stars."
    return errors


async def submit_form(turn: Turn, values: dict[str, str]) -> list[Outbound]:
    state = await load_state(turn.uow, turn.person.id)
    base = (
        FeedbackDraft.model_validate(state.data)
        if state and state.flow == FLOW
        else FeedbackDraft()
    )
    known = {k: clean(v) for k, v in values.items() if k in FeedbackDraft.model_fields}
    draft = base.model_copy(update=known)
    actions = await recent_actions(turn.uow, turn.person.id, limit=10)
    errors = _check(draft, {str(a.id) for a in actions})
    if errors:
        await save_state(
            turn.uow, turn.person.id, ConversationState(FLOW, "form", draft.model_dump())
        )
        return [await _form(turn, draft, errors)]
    stored_words = redact(draft.words)
    feedback_id = await add_feedback(
        turn.uow,
        NewFeedback(
            action_id=int(draft.action) if draft.action not in ("", NO_ACTION) else None,
            person_id=turn.person.id,
            recorded_by=turn.person.id,
            channel=draft.channel,
            sentiment=draft.sentiment,
            words=stored_words,
            rating=int(draft.rating) if draft.rating else None,
            quoted_from=draft.quoted_from or None,
        ),
    )
    await audit(
        turn.uow,
        actor_id=turn.person.id,
        action="feedback.recorded",
        subject_type="feedback",
        subject_id=str(feedback_id),
    )
    await clear_state(turn.uow, turn.person.id)
    thanks = "Lovely to hear. " if draft.sentiment == "positive" else ""
    return [
        Card(
            title="Feedback saved",
            text=f"{thanks}This is what I stored:",
            fields=(CardField("Customer's words", stored_words),),
            buttons=(Button("My actions", "menu.mine"),),
        )
    ]
