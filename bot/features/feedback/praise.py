"""Passing feedback on (P13, P14): praise to the supervisor and the staff member, anything
else to the supervisor only. The recognition channel waits for the recorder's choice
(see `sharing`)."""

from __future__ import annotations

from bot.context import Turn
from bot.domain.actions import LoggedAction, Sentiment
from bot.domain.org import Person
from bot.domain.records import StoredFeedback
from bot.domain.redaction import redact
from bot.domain.text import shorten
from bot.features.feedback.form import FeedbackDraft
from bot.messages import Card


def praise_card(staff: Person, extra: str | None, words: str) -> Card:
    """The praise as the supervisor and the recognition channel see it."""
    # The extra is redacted again: an action saved before its text was redacted at save.
    deed = f"“{shorten(redact(extra), 150)}”" if extra is not None else "their service"
    return Card(
        title=f"Praise for {staff.name} 🌟",
        text=f"For {deed}.\nThe customer said: “{shorten(words, 600)}”",
    )


def recognition_channels(turn: Turn) -> list[tuple[str, str]]:
    """The (platform, channel) pairs praise may be shared in; none when not set up."""
    targets = turn.org.channels.recognition
    if targets is None:
        return []
    return [(p, c) for p, c in (("slack", targets.slack), ("teams", targets.teams)) if c]


def told_of(turn: Turn, feedback: StoredFeedback, staff: Person) -> list[str]:
    """Who heard about the praise when it was recorded (see `pass_on`)."""
    supervisor = turn.org.person(staff.supervisor) if staff.supervisor else None
    told = [supervisor.name] if supervisor and supervisor.id != feedback.recorded_by else []
    return told + ([staff.first_name] if staff.id != feedback.recorded_by else [])


def _supervisor_of(turn: Turn, staff: Person) -> Person | None:
    """The staff member's supervisor, unless that is who recorded the feedback."""
    supervisor = turn.org.person(staff.supervisor) if staff.supervisor else None
    return supervisor if supervisor is not None and supervisor.id != turn.person.id else None


async def _pass_on_praise(
    turn: Turn, feedback_id: int, staff: Person, words: str, action: LoggedAction | None
) -> list[str]:
    """Praise to the supervisor and the staff member (P13)."""
    key = ("feedback", feedback_id)
    praise = praise_card(staff, action.extra if action else None, words)
    told: list[str] = []
    supervisor = _supervisor_of(turn, staff)
    if supervisor is not None:
        await turn.notify.person(supervisor.id, praise, *key, "supervisor")
        told.append(supervisor.name)
    if staff.id != turn.person.id:
        mine = Card(title=f"{turn.person.name} recorded praise for you 🌟", text=praise.text)
        await turn.notify.person(staff.id, mine, *key, "staff")
        told.append(staff.first_name)
    return told


async def _pass_on_concern(
    turn: Turn,
    feedback_id: int,
    staff: Person,
    draft: FeedbackDraft,
    words: str,
    action: LoggedAction | None,
) -> list[str]:
    """Mixed or negative (P14): only the person and their supervisor see it."""
    supervisor = _supervisor_of(turn, staff)
    if supervisor is None:
        return []
    deed = f"“{shorten(redact(action.extra), 150)}”" if action else "their service"
    quote = f"The customer said: “{shorten(words, 600)}”"
    note = Card(
        title=f"Customer feedback to look at with {staff.first_name}",
        text=f"{draft.sentiment.capitalize()} feedback about {deed}.\n{quote}",
    )
    await turn.notify.person(supervisor.id, note, "feedback", feedback_id, "supervisor")
    return [supervisor.name]


async def pass_on(
    turn: Turn, feedback_id: int, draft: FeedbackDraft, words: str, action: LoggedAction | None
) -> list[str]:
    """Praise to the supervisor and the staff member (P13); anything else to the
    supervisor only (P14). The recognition channel waits for the recorder's choice
    (`decide_share`). Returns who was told, for the thank-you."""
    staff = turn.org.person(draft.about)
    assert staff is not None
    if draft.sentiment == Sentiment.POSITIVE:
        return await _pass_on_praise(turn, feedback_id, staff, words, action)
    return await _pass_on_concern(turn, feedback_id, staff, draft, words, action)
