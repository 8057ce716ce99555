"""Recording a follow-up answer on the action; the supervisor hears when other
customers felt it (P12)."""

from __future__ import annotations

from bot.context import Turn
from bot.domain.actions import AffectedOthers
from bot.domain.records import DueAction, FollowUpAnswer
from bot.domain.redaction import redact
from bot.domain.text import clean, shorten
from bot.features.follow_up.checks import check
from bot.features.follow_up.form import (
    ANSWERED,
    LABELS,
    NOT_YOURS,
    follow_up_form,
    own_action,
)
from bot.features.portfolio.words import keep_words, word_problems
from bot.messages import Card, Outbound, Refusal, Text
from bot.routes import FormId
from storage.events import audit
from storage.follow_ups import record_follow_up


def _answer(typed: dict[str, str]) -> tuple[FollowUpAnswer, str]:
    """The answer to store (free text redacted, like the action's other free text), and
    the redacted note for the supervisor."""
    note = redact(typed.get("note", ""))
    since = redact(typed.get("feedback_since", ""))
    answer = FollowUpAnswer(
        affected_others=AffectedOthers(typed["affected_others"]),
        customer_noticed={"yes": True, "no": False}.get(typed["customer_noticed"]),
        note="\n".join(
            part for part in (note, f"Feedback since: {since}" if since else "") if part
        ),
    )
    return answer, note


async def _record(turn: Turn, action: DueAction, answer: FollowUpAnswer) -> None:
    await record_follow_up(turn.uow, action.id, answer, turn.now)
    await audit(
        turn.uow,
        actor_id=turn.person.id,
        action="action.followed_up",
        subject_type="action",
        subject_id=str(action.id),
    )


async def _tell_supervisor(
    turn: Turn, action: DueAction, answer: FollowUpAnswer, note: str
) -> list[Outbound]:
    """P12: the supervisor hears when other customers felt it."""
    supervisor = turn.person.supervisor
    if answer.affected_others == AffectedOthers.NO or not supervisor:
        return []
    await turn.notify.person(
        supervisor,
        Card(
            title=f"{turn.person.name}'s extra mile affected other customers "
            f"({LABELS[answer.affected_others].lower()})",
            text=f"{shorten(action.extra, 200)}\n“{shorten(note, 500)}”",
        ),
        "follow-up",
        action.id,
        "affected",
    )
    boss = turn.org.person(supervisor)
    name = boss.first_name if boss else "your supervisor"
    return [Text(f"I've let {name} know, so the team can plan for it next time.")]


async def submit(turn: Turn, form: FormId, values: dict[str, str]) -> list[Outbound]:
    action_id = form.param
    action = await own_action(turn, action_id)
    if action is None:
        return [Refusal(NOT_YOURS)]
    typed = {k: clean(v) for k, v in values.items()}
    learner = turn.person.learner
    errors = check(typed) | (word_problems(typed) if learner else {})
    if errors:
        return [follow_up_form(action_id, action.extra, errors, typed, learner=learner)]
    if action.answered:
        return [Refusal(ANSWERED)]
    answer, note = _answer(typed)
    await _record(turn, action, answer)
    kept = await keep_words(turn, action.id, typed)  # a learner's own words, if given
    return [
        Text(
            "Thank you! That goes on the action"
            + (", and your own words go in your portfolio." if kept else ".")
        ),
        *await _tell_supervisor(turn, action, answer, note),
    ]
