"""Sharing praise in the recognition channel: the customer's words reach a channel only
after the person who recorded them has seen the exact text that will be quoted there
(redacted) and chosen to share it; whatever they choose, the supervisor hears as before.
"""

from __future__ import annotations

import hashlib

from bot.context import Turn
from bot.domain.actions import Sentiment
from bot.domain.ids import parse_id
from bot.domain.org import Person
from bot.domain.records import StoredFeedback
from bot.features.feedback.praise import praise_card, recognition_channels, told_of
from bot.features.general.flow import Menu
from bot.messages import Button, ButtonStyle, Card, CardField, Outbound, Refusal, Text
from bot.routes import ActionId
from storage.actions import get_extra
from storage.events import audit, claim_event
from storage.feedback import get_feedback

QUOTED_INTRO = "This is what will be quoted in the recognition channel:"


class FeedbackButton(ActionId):
    SHARE = "feedback.share"  # value: the feedback's id
    DONT_SHARE = "feedback.dont_share"


def fingerprint(card: Card) -> str:
    return hashlib.sha256(f"{card.title}\n{card.text}".encode()).hexdigest()[:16]


def share_card(feedback_id: int, praise: Card) -> Card:
    """The exact text the channel would quote, and the choice. The button carries a
    fingerprint of that text: if it changed since, nothing is shared unseen."""
    value = f"{feedback_id}:{fingerprint(praise)}"
    return Card(
        title="Share it in the recognition channel?",
        text=QUOTED_INTRO,
        fields=(CardField(praise.title, praise.text),),
        buttons=(
            Button("Share it", FeedbackButton.SHARE, value, ButtonStyle.PRIMARY),
            Button("Don't share", FeedbackButton.DONT_SHARE, value),
        ),
    )


async def _shareable(turn: Turn, id_text: str) -> tuple[StoredFeedback, Person, str] | Refusal:
    """The feedback the button names, whom it praises and the customer's words, or why it
    can't be shared."""
    feedback_id = parse_id(id_text)
    feedback = await get_feedback(turn.uow, feedback_id) if feedback_id else None
    if feedback is None:
        return Refusal("I can't find that feedback any more.")
    if feedback.recorded_by != turn.person.id:
        return Refusal("Only the person who recorded this feedback can choose to share it.")
    staff = turn.org.person(feedback.person_id)
    if feedback.sentiment != Sentiment.POSITIVE or not feedback.words or staff is None:
        return Refusal("This feedback can't be shared in the recognition channel.")
    return feedback, staff, feedback.words


def _kept_private(turn: Turn, feedback: StoredFeedback, staff: Person) -> list[Outbound]:
    told = told_of(turn, feedback, staff)
    heard = f" {' and '.join(told)} heard about it, as before." if told else ""
    return [Text(f"Fine: it won't be shared in the recognition channel.{heard}")]


async def _shared(
    turn: Turn,
    feedback: StoredFeedback,
    staff: Person,
    praise: Card,
    channels: list[tuple[str, str]],
) -> list[Outbound]:
    told = told_of(turn, feedback, staff)
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


async def decide_share(turn: Turn, value: str, *, share: bool) -> list[Outbound]:
    """The recorder's answer to the share card: once, theirs alone."""
    id_text, _, seen = value.partition(":")
    found = await _shareable(turn, id_text)
    if isinstance(found, Refusal):
        return [found]
    feedback, staff, words = found
    extra = await get_extra(turn.uow, feedback.action_id) if feedback.action_id else None
    praise = praise_card(staff, extra, words)
    channels = recognition_channels(turn)
    if share and (not channels or seen != fingerprint(praise)):
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
    if not share:
        return _kept_private(turn, feedback, staff)
    return await _shared(turn, feedback, staff, praise, channels)
