"""The feedback form: the draft it fills in, whom it may be about, and its fields."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel

from bot.context import Turn
from bot.domain.actions import LoggedAction, Sentiment
from bot.domain.approvers import chain_above
from bot.domain.org import Person, Role
from bot.domain.records import ConversationState
from bot.domain.text import clean, shorten
from bot.messages import Choice, FieldKind, Form, FormField, Outbound
from storage.actions import recent_actions_of
from storage.conversations import load_state, save_state

FLOW = "feedback"
FORM_ID = "feedback"
NO_ACTION = "none"
MAX_WORDS = 2000
INTRO = (
    "What did the customer say? I remove e-mail addresses, phone and card "
    "numbers, postcodes, street addresses and names with a title (Mrs Brown) before "
    "storing it. Please leave out their name."
)


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
    Choice(Sentiment.POSITIVE, "Positive"),
    Choice(Sentiment.MIXED, "Mixed"),
    Choice(Sentiment.NEGATIVE, "Negative"),
)
RATING_CHOICES = tuple(Choice(str(n), "★" * n) for n in range(1, 6))


class FeedbackDraft(BaseModel):
    about: str = ""
    action: str = ""
    channel: str = ""
    sentiment: str = ""
    words: str = ""
    rating: str = ""
    quoted_from: str = ""


def team_of(turn: Turn) -> list[Person]:
    """Whom this person may record feedback about: themself, and anyone below them."""
    me = turn.person
    below = [p for p in turn.org.people if any(b.id == me.id for b in chain_above(turn.org, p.id))]
    return [me, *below] if me.role in (Role.SUPERVISOR, Role.MANAGER) else [me]


async def team_actions(turn: Turn) -> list[LoggedAction]:
    """The recent actions of everyone the feedback may be about."""
    team = team_of(turn)
    return await recent_actions_of(turn.uow, [p.id for p in team], limit=10 * len(team))


async def save_draft(turn: Turn, draft: FeedbackDraft) -> None:
    await save_state(turn.uow, turn.person.id, ConversationState(FLOW, "form", draft.model_dump()))


async def open_form(turn: Turn, words: str = "", quoted_from: str | None = None) -> list[Outbound]:
    draft = FeedbackDraft(
        about=turn.person.id, words=clean(words)[:MAX_WORDS], quoted_from=quoted_from or ""
    )
    await save_draft(turn, draft)
    return [await feedback_form(turn, draft, {})]


async def reopen(turn: Turn) -> list[Outbound]:
    """The form again, with whatever was already filled in."""
    state = await load_state(turn.uow, turn.person.id)
    if state is None or state.flow != FLOW:
        return await open_form(turn)
    return [await feedback_form(turn, FeedbackDraft.model_validate(state.data), {})]


def _action_choice(action: LoggedAction, names: dict[str, str], several: bool) -> Choice:
    who = f"{names[action.person_id]}, " if several else ""
    return Choice(str(action.id), shorten(who + f"{action.occurred_on:%d %b}: {action.extra}", 70))


def _about_field(turn: Turn, draft: FeedbackDraft, team: list[Person]) -> FormField:
    return FormField(
        "about",
        "Who is it about?",
        FieldKind.CHOICE,
        value=draft.about or turn.person.id,
        options=tuple(Choice(p.id, p.name) for p in team),
    )


def _fields(draft: FeedbackDraft, action_choices: tuple[Choice, ...]) -> list[FormField]:
    return [
        FormField(
            "action",
            "Which action is it about?",
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
    ]


async def feedback_form(turn: Turn, draft: FeedbackDraft, errors: dict[str, str]) -> Form:
    """The form, filled in from the draft; "Who is it about?" only for a team."""
    team = team_of(turn)
    names = {p.id: p.first_name for p in team}
    several = len(team) > 1
    actions = (await team_actions(turn))[:30]
    fields = _fields(draft, tuple(_action_choice(a, names, several) for a in actions))
    if several:
        fields.insert(0, _about_field(turn, draft, team))
    return Form(
        form_id=FORM_ID,
        title="Customer feedback",
        intro=INTRO,
        fields=tuple(fields),
        submit_label="Save",
        errors=errors,
    )
