"""Customer feedback (P13, P14): recorded against an action with personal data removed;
praise passed on to the supervisor and the recognition channel, the rest kept private."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel

from bot.approvers import chain_above
from bot.codec import dump_outbound
from bot.domain import LoggedAction
from bot.flows.turn import Turn
from bot.messages import (
    Button,
    Card,
    CardField,
    Choice,
    FieldKind,
    Form,
    FormField,
    Outbound,
)
from bot.org import Person, Role
from bot.redact import redact
from bot.text import clean, shorten
from storage.actions import recent_actions_of
from storage.conversations import ConversationState, clear_state, load_state, save_state
from storage.events import audit
from storage.feedback import NewFeedback, add_feedback
from storage.outbox import enqueue, enqueue_channel

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


async def open_form(turn: Turn, words: str = "", quoted_from: str | None = None) -> list[Outbound]:
    draft = FeedbackDraft(
        about=turn.person.id, words=clean(words)[:MAX_WORDS], quoted_from=quoted_from or ""
    )
    await save_state(turn.uow, turn.person.id, ConversationState(FLOW, "form", draft.model_dump()))
    return [await _form(turn, draft, {})]


async def reopen(turn: Turn) -> list[Outbound]:
    """The form again, with whatever was already filled in."""
    state = await load_state(turn.uow, turn.person.id)
    if state is None or state.flow != FLOW:
        return await open_form(turn)
    return [await _form(turn, FeedbackDraft.model_validate(state.data), {})]


async def _actions(turn: Turn) -> list[LoggedAction]:
    team = team_of(turn)
    return await recent_actions_of(turn.uow, [p.id for p in team], limit=10 * len(team))


async def _form(turn: Turn, draft: FeedbackDraft, errors: dict[str, str]) -> Form:
    team = team_of(turn)
    actions = (await _actions(turn))[:30]
    names = {p.id: p.first_name for p in team}
    action_choices = tuple(
        Choice(
            str(a.id),
            shorten(
                (f"{names[a.person_id]}, " if len(team) > 1 else "")
                + f"{a.occurred_on:%d %b}: {a.extra}",
                70,
            ),
        )
        for a in actions
    )
    fields = [
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
    if len(team) > 1:
        about = FormField(
            "about",
            "Who is it about?",
            FieldKind.CHOICE,
            value=draft.about or turn.person.id,
            options=tuple(Choice(p.id, p.name) for p in team),
        )
        fields.insert(0, about)
    return Form(
        form_id=FORM_ID,
        title="Customer feedback",
        intro="What did the customer say? I remove e-mail addresses, phone and card "
        "numbers and postcodes before storing it. Please leave out their name.",
        fields=tuple(fields),
        submit_label="Save",
        errors=errors,
    )


def _check(draft: FeedbackDraft, team: set[str], actions: dict[str, str]) -> dict[str, str]:
    errors: dict[str, str] = {}
    if draft.about not in team:
        errors["about"] = "Pick yourself or someone in your team."
    if draft.action not in (NO_ACTION, "") and actions.get(draft.action) != draft.about:
        errors["action"] = "Pick one of their recent actions, or 'None of them'."
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
        else FeedbackDraft(about=turn.person.id)
    )
    known = {k: clean(v) for k, v in values.items() if k in FeedbackDraft.model_fields}
    draft = base.model_copy(update=known)
    if not draft.about:
        draft = draft.model_copy(update={"about": turn.person.id})
    actions = {str(a.id): a for a in await _actions(turn)}
    errors = _check(
        draft, {p.id for p in team_of(turn)}, {k: a.person_id for k, a in actions.items()}
    )
    if errors:
        await save_state(
            turn.uow, turn.person.id, ConversationState(FLOW, "form", draft.model_dump())
        )
        return [await _form(turn, draft, errors)]
    stored_words = redact(draft.words)
    action = actions.get(draft.action)
    feedback_id = await add_feedback(
        turn.uow,
        NewFeedback(
            action_id=action.id if action else None,
            person_id=draft.about,
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
    told = await _pass_on(turn, feedback_id, draft, stored_words, action)
    thanks = (
        "Lovely to hear. Thank you for going the extra mile! "
        if draft.sentiment == "positive"
        else ""
    )
    passed = f"I've passed it on to {' and '.join(told)}. " if told else ""
    return [
        Card(
            title="Feedback saved",
            text=f"{thanks}{passed}This is what I stored:",
            fields=(CardField("Customer's words", stored_words),),
            buttons=(Button("My actions", "menu.mine"),),
        )
    ]


async def _pass_on(
    turn: Turn, feedback_id: int, draft: FeedbackDraft, words: str, action: LoggedAction | None
) -> list[str]:
    """Praise to the supervisor and the recognition channel (P13); anything else to the
    supervisor only (P14). Returns who was told, for the thank-you."""
    staff = turn.org.person(draft.about)
    assert staff is not None
    supervisor = turn.org.person(staff.supervisor) if staff.supervisor else None
    deed = f"“{shorten(action.extra, 150)}”" if action else "their service"
    quote = f"The customer said: “{shorten(words, 600)}”"
    told: list[str] = []
    key = f"feedback:{feedback_id}"
    if draft.sentiment == "positive":
        praise = Card(title=f"Praise for {staff.name} 🌟", text=f"For {deed}.\n{quote}")
        if supervisor is not None and supervisor.id != turn.person.id:
            await _notify(turn, supervisor.id, praise, f"{key}:supervisor")
            told.append(supervisor.name)
        if staff.id != turn.person.id:
            mine = Card(
                title=f"{turn.person.name} recorded praise for you 🌟", text=f"For {deed}.\n{quote}"
            )
            await _notify(turn, staff.id, mine, f"{key}:staff")
            told.append(staff.first_name)
        for platform, channel in _recognition_channels(turn):
            await enqueue_channel(
                turn.uow,
                platform=platform,
                channel=channel,
                payload=dump_outbound(praise),
                now=turn.now,
                dedupe_key=f"{key}:{platform}-channel",
            )
            told.append("the recognition channel")
        return told
    # Mixed or negative: only the person and their supervisor see it.
    if supervisor is not None and supervisor.id != turn.person.id:
        note = Card(
            title=f"Customer feedback to look at with {staff.first_name}",
            text=f"{draft.sentiment.capitalize()} feedback about {deed}.\n{quote}",
        )
        await _notify(turn, supervisor.id, note, f"{key}:supervisor")
        told.append(supervisor.name)
    return told


def _recognition_channels(turn: Turn) -> list[tuple[str, str]]:
    targets = turn.org.channels.recognition
    if targets is None:
        return []
    return [(p, c) for p, c in (("slack", targets.slack), ("teams", targets.teams)) if c]


async def _notify(turn: Turn, person_id: str, message: Outbound, key: str) -> None:
    await enqueue(
        turn.uow, person_id=person_id, payload=dump_outbound(message), now=turn.now, dedupe_key=key
    )
