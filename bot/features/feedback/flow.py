"""Customer feedback (P13, P14): recorded against an action with personal data removed;
praise passed on to the supervisor and the recognition channel, the rest kept private.

The customer's words reach a channel only after the person who recorded them has seen
the exact text that will be quoted there (redacted) and chosen to share it; whatever
they choose, the supervisor hears as before.
"""

from __future__ import annotations

import hashlib
from enum import StrEnum

from pydantic import BaseModel

from bot.context import Turn
from bot.domain.actions import LoggedAction, Sentiment
from bot.domain.approvers import chain_above
from bot.domain.ids import parse_id
from bot.domain.org import Person, Role
from bot.domain.records import ConversationState, NewFeedback, StoredFeedback
from bot.domain.redaction import redact
from bot.domain.text import clean, shorten
from bot.features.general.flow import Menu
from bot.messages import (
    Button,
    ButtonStyle,
    Card,
    CardField,
    Choice,
    FieldKind,
    Form,
    FormField,
    Outbound,
    Refusal,
    Text,
)
from bot.routes import ActionId, RouteTable
from storage.actions import get_extra, recent_actions_of
from storage.conversations import clear_state, load_state, save_state
from storage.events import audit, claim_event
from storage.feedback import add_feedback, get_feedback

FLOW = "feedback"
FORM_ID = "feedback"
NO_ACTION = "none"
MAX_WORDS = 2000
QUOTED_INTRO = "This is what will be quoted in the recognition channel:"


class FeedbackButton(ActionId):
    SHARE = "feedback.share"  # value: the feedback's id
    DONT_SHARE = "feedback.dont_share"


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
        "numbers, postcodes, street addresses and names with a title (Mrs Brown) before "
        "storing it. Please leave out their name.",
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
            sentiment=Sentiment(draft.sentiment),
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
        if draft.sentiment == Sentiment.POSITIVE
        else ""
    )
    passed = f"I've passed it on to {' and '.join(told)}. " if told else ""
    replies: list[Outbound] = [
        Card(
            title="Feedback saved",
            text=f"{thanks}{passed}This is what I stored:",
            fields=(CardField("Customer's words", stored_words),),
            buttons=(Button("My actions", Menu.MINE),),
        )
    ]
    if draft.sentiment == Sentiment.POSITIVE and _recognition_channels(turn):
        staff = turn.org.person(draft.about)
        assert staff is not None
        praise = _praise(staff, action.extra if action else None, stored_words)
        replies.append(_share_card(feedback_id, praise))
    return replies


def _praise(staff: Person, extra: str | None, words: str) -> Card:
    """The praise as the supervisor and the recognition channel see it."""
    # The extra is redacted again: an action saved before its text was redacted at save.
    deed = f"“{shorten(redact(extra), 150)}”" if extra is not None else "their service"
    return Card(
        title=f"Praise for {staff.name} 🌟",
        text=f"For {deed}.\nThe customer said: “{shorten(words, 600)}”",
    )


def _fingerprint(card: Card) -> str:
    return hashlib.sha256(f"{card.title}\n{card.text}".encode()).hexdigest()[:16]


def _share_card(feedback_id: int, praise: Card) -> Card:
    """The exact text the channel would quote, and the choice. The button carries a
    fingerprint of that text: if it changed since, nothing is shared unseen."""
    value = f"{feedback_id}:{_fingerprint(praise)}"
    return Card(
        title="Share it in the recognition channel?",
        text=QUOTED_INTRO,
        fields=(CardField(praise.title, praise.text),),
        buttons=(
            Button("Share it", FeedbackButton.SHARE, value, ButtonStyle.PRIMARY),
            Button("Don't share", FeedbackButton.DONT_SHARE, value),
        ),
    )


async def decide_share(turn: Turn, value: str, *, share: bool) -> list[Outbound]:
    """The recorder's answer to the share card: once, theirs alone."""
    id_text, _, fingerprint = value.partition(":")
    feedback_id = parse_id(id_text)
    feedback = await get_feedback(turn.uow, feedback_id) if feedback_id else None
    if feedback is None:
        return [Refusal("I can't find that feedback any more.")]
    if feedback.recorded_by != turn.person.id:
        return [Refusal("Only the person who recorded this feedback can choose to share it.")]
    staff = turn.org.person(feedback.person_id)
    if feedback.sentiment != Sentiment.POSITIVE or not feedback.words or staff is None:
        return [Refusal("This feedback can't be shared in the recognition channel.")]
    extra = await get_extra(turn.uow, feedback.action_id) if feedback.action_id else None
    praise = _praise(staff, extra, feedback.words)
    channels = _recognition_channels(turn)
    if share and (not channels or fingerprint != _fingerprint(praise)):
        return [
            Refusal("What would be quoted has changed since you saw it, so I haven't shared it.")
        ]
    if not await claim_event(turn.uow, f"feedback:{feedback.id}:shared?"):
        return [Refusal("You've already chosen whether to share this one.")]
    await audit(
        turn.uow,
        actor_id=turn.person.id,
        action="feedback.shared" if share else "feedback.not_shared",
        subject_type="feedback",
        subject_id=str(feedback.id),
    )
    told = _told(turn, feedback, staff)
    if not share:
        heard = f" {' and '.join(told)} heard about it, as before." if told else ""
        return [Text(f"Fine: it won't be shared in the recognition channel.{heard}")]
    for platform, channel in channels:
        await turn.notify.channel(
            platform, channel, praise, "feedback", feedback.id, f"{platform}-channel"
        )
    told.append("the recognition channel")
    return [
        Card(
            title="Shared in the recognition channel 🌟",
            text=f"I've passed it on to {' and '.join(told)}.",
            buttons=(Button("My actions", Menu.MINE),),
        )
    ]


def _told(turn: Turn, feedback: StoredFeedback, staff: Person) -> list[str]:
    """Who heard about the praise when it was recorded (see `_pass_on`)."""
    supervisor = turn.org.person(staff.supervisor) if staff.supervisor else None
    told = [supervisor.name] if supervisor and supervisor.id != feedback.recorded_by else []
    return told + ([staff.first_name] if staff.id != feedback.recorded_by else [])


async def _pass_on(
    turn: Turn, feedback_id: int, draft: FeedbackDraft, words: str, action: LoggedAction | None
) -> list[str]:
    """Praise to the supervisor and the staff member (P13); anything else to the
    supervisor only (P14). The recognition channel waits for the recorder's choice
    (`decide_share`). Returns who was told, for the thank-you."""
    staff = turn.org.person(draft.about)
    assert staff is not None
    supervisor = turn.org.person(staff.supervisor) if staff.supervisor else None
    deed = f"“{shorten(redact(action.extra), 150)}”" if action else "their service"
    quote = f"The customer said: “{shorten(words, 600)}”"
    told: list[str] = []
    key = ("feedback", feedback_id)
    if draft.sentiment == Sentiment.POSITIVE:
        praise = _praise(staff, action.extra if action else None, words)
        if supervisor is not None and supervisor.id != turn.person.id:
            await turn.notify.person(supervisor.id, praise, *key, "supervisor")
            told.append(supervisor.name)
        if staff.id != turn.person.id:
            mine = Card(title=f"{turn.person.name} recorded praise for you 🌟", text=praise.text)
            await turn.notify.person(staff.id, mine, *key, "staff")
            told.append(staff.first_name)
        return told
    # Mixed or negative: only the person and their supervisor see it.
    if supervisor is not None and supervisor.id != turn.person.id:
        note = Card(
            title=f"Customer feedback to look at with {staff.first_name}",
            text=f"{draft.sentiment.capitalize()} feedback about {deed}.\n{quote}",
        )
        await turn.notify.person(supervisor.id, note, *key, "supervisor")
        told.append(supervisor.name)
    return told


def _recognition_channels(turn: Turn) -> list[tuple[str, str]]:
    targets = turn.org.channels.recognition
    if targets is None:
        return []
    return [(p, c) for p, c in (("slack", targets.slack), ("teams", targets.teams)) if c]


# --- routes -------------------------------------------------------------------------------------


def register(routes: RouteTable) -> None:
    routes.click(Menu.FEEDBACK, lambda turn, _: open_form(turn))
    routes.click(FeedbackButton.SHARE, lambda turn, value: decide_share(turn, value, share=True))
    routes.click(
        FeedbackButton.DONT_SHARE, lambda turn, value: decide_share(turn, value, share=False)
    )
    routes.form(
        FORM_ID,
        lambda turn, _, values: submit_form(turn, values),
        opens=lambda turn, _: reopen(turn),
    )
    routes.command("feedback", handler=lambda turn, rest: open_form(turn, words=rest))
    routes.quoted(lambda turn, text, author: open_form(turn, words=text, quoted_from=author))
