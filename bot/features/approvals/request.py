"""An idea is saved: done under procedure if it is within the person's own authority,
otherwise a feasibility request routed to the approver who is around, with its card."""

from __future__ import annotations

from dataclasses import replace

from bot.context import Turn
from bot.domain.actions import ActionStatus, Approach, CheckedAction
from bot.domain.approvers import Availability, availability, chain_above, route
from bot.domain.feasibility import FeasibilityCheck, Verdict, assess, money
from bot.domain.names import person_name
from bot.domain.org import Organisation, Role
from bot.features.approvals.card import send_card
from bot.features.general.flow import Menu
from bot.features.nominations.practices import ask_practice
from bot.messages import Button, Card, Outbound, Text
from storage.actions import add_action
from storage.events import audit
from storage.requests import create_request, get_request, stored_availability


async def submit_idea(
    turn: Turn, action: CheckedAction, check: FeasibilityCheck, explanation: str
) -> list[Outbound]:
    authority = turn.org.policy.staff_authority
    verdict = assess(check, authority)
    if verdict.go_ahead:
        # Inside the person's own authority: no request, recorded as done under procedure.
        done = replace(action, status=ActionStatus.DONE, approach=Approach.PROCEDURE)
        saved = await add_action(
            turn.uow, turn.person.id, done, cost=check.cost, minutes=check.minutes
        )
        await audit(
            turn.uow,
            actor_id=turn.person.id,
            action="action.go_ahead",
            subject_type="action",
            subject_id=str(saved.id),
        )
        ask_practice(turn, saved.id, saved.extra)  # once this is answered
        spend = money(check.cost, authority.currency)
        return [
            Card(
                title="Go ahead: it's within your authority ✅",
                text=f"{spend} and {check.minutes} minutes, inside your "
                f"{money(authority.max_cost, authority.currency)} and "
                f"{authority.max_minutes} minutes, with no doubt on guidelines, regulations "
                "or other customers. I've logged it as done under procedure; make sure the "
                f"customer knows it's something extra. I'll ask how it went in "
                f"{turn.org.policy.follow_up_days} days.",
                buttons=(Button("My actions", Menu.MINE),),
            ),
        ]
    available = availability(turn.org, await stored_availability(turn.uow))
    approver = route(turn.org, turn.person.id, turn.today, available)
    pending = replace(action, status=ActionStatus.PENDING_APPROVAL)
    saved = await add_action(
        turn.uow, turn.person.id, pending, cost=check.cost, minutes=check.minutes
    )
    if approver is None:
        return [
            Text(
                "I saved your idea, but nobody who can approve it is around (everyone "
                "is away). Please ask a manager in person."
            )
        ]
    request_id = await create_request(
        turn.uow,
        action_id=saved.id,
        requester_id=turn.person.id,
        approver_id=approver,
        check=check,
        explanation=explanation,
        now=turn.now,
    )
    await audit(
        turn.uow,
        actor_id=turn.person.id,
        action="request.created",
        subject_type="request",
        subject_id=str(request_id),
        detail={"to": approver},
    )
    request = await get_request(turn.uow, request_id)
    assert request is not None
    away = _covering_for(turn.org, turn.person.id, approver, turn, available)
    note = f"You're covering for {person_name(turn.org, away)} while they're away." if away else ""
    await send_card(turn, request, approver, note, for_day=action.occurred_on)
    ask_practice(turn, saved.id, saved.extra)  # once this is answered
    return [_sent_to(turn, approver, verdict)]


def _sent_to(turn: Turn, approver: str, verdict: Verdict) -> Card:
    name = person_name(turn.org, approver)
    return Card(
        title=f"Sent to {name} to check ✉️",
        text="It needs a supervisor's OK because " + "; ".join(verdict.reasons) + ". "
        f"I'll tell you as soon as {name.split()[0]} decides. Meanwhile, give the customer "
        "what our routine offer promises.",
        buttons=(Button("My actions", Menu.MINE),),
    )


def _covering_for(
    org: Organisation,
    requester: str,
    approver: str,
    turn: Turn,
    available: dict[str, Availability],
) -> str | None:
    """Whom the approver covers for: the nearest decider, away today, with them as delegate."""
    deciders = chain_above(org, requester) + [p for p in org.people if p.role is Role.MANAGER]
    for person in deciders:
        status = available.get(person.id)
        if status and status.away_on(turn.today) and status.delegate == approver:
            return person.id
    return None
