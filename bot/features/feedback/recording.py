"""Recording feedback from the form: checked, redacted, stored, audited and passed on."""

from __future__ import annotations

from bot.context import Turn
from bot.domain.actions import LoggedAction, Sentiment
from bot.domain.records import NewFeedback
from bot.domain.redaction import redact
from bot.domain.text import clean
from bot.features.feedback.checks import check
from bot.features.feedback.form import (
    FLOW,
    FeedbackDraft,
    feedback_form,
    save_draft,
    team_actions,
    team_of,
)
from bot.features.feedback.praise import pass_on, praise_card, recognition_channels
from bot.features.feedback.sharing import share_card
from bot.features.general.flow import Menu
from bot.messages import Button, Card, CardField, Outbound
from storage.conversations import clear_state, load_state
from storage.events import audit
from storage.feedback import add_feedback


async def _draft(turn: Turn, values: dict[str, str]) -> FeedbackDraft:
    """The saved draft with the form's values on top; about this person unless chosen."""
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
    return draft


async def _store(turn: Turn, draft: FeedbackDraft, words: str, action: LoggedAction | None) -> int:
    """Saves the feedback and audits it; returns its id."""
    feedback_id = await add_feedback(
        turn.uow,
        NewFeedback(
            action_id=action.id if action else None,
            person_id=draft.about,
            recorded_by=turn.person.id,
            channel=draft.channel,
            sentiment=Sentiment(draft.sentiment),
            words=words,
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
    return feedback_id


def _saved_card(draft: FeedbackDraft, words: str, told: list[str]) -> Card:
    thanks = (
        "Lovely to hear. Thank you for going the extra mile! "
        if draft.sentiment == Sentiment.POSITIVE
        else ""
    )
    passed = f"I've passed it on to {' and '.join(told)}. " if told else ""
    return Card(
        title="Feedback saved",
        text=f"{thanks}{passed}This is what I stored:",
        fields=(CardField("Customer's words", words),),
        buttons=(Button("My actions", Menu.MINE),),
    )


def _offer_to_share(
    turn: Turn, feedback_id: int, draft: FeedbackDraft, words: str, action: LoggedAction | None
) -> list[Outbound]:
    """Praise, when there is a recognition channel: the card asking whether to share it."""
    if draft.sentiment != Sentiment.POSITIVE or not recognition_channels(turn):
        return []
    staff = turn.org.person(draft.about)
    assert staff is not None
    praise = praise_card(staff, action.extra if action else None, words)
    return [share_card(feedback_id, praise)]


async def submit_form(turn: Turn, values: dict[str, str]) -> list[Outbound]:
    draft = await _draft(turn, values)
    actions = {str(a.id): a for a in await team_actions(turn)}
    errors = check(
        draft, {p.id for p in team_of(turn)}, {k: a.person_id for k, a in actions.items()}
    )
    if errors:
        await save_draft(turn, draft)
        return [await feedback_form(turn, draft, errors)]
    stored_words = redact(draft.words)
    action = actions.get(draft.action)
    feedback_id = await _store(turn, draft, stored_words, action)
    await clear_state(turn.uow, turn.person.id)
    told = await pass_on(turn, feedback_id, draft, stored_words, action)
    return [
        _saved_card(draft, stored_words, told),
        *_offer_to_share(turn, feedback_id, draft, stored_words, action),
    ]
