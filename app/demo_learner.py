"""A seeded learner (issue 19): examples/learner_weeks.yml loaded through the paths chat
uses (the deed's words checked and redacted by the log rules, the learner's statements by
storage.evidence, an idea's request and its decision, feedback, the follow-up, a
suggestion), so a portfolio can be read and tested. `extramile demo-learner` runs it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import yaml

from bot.domain.actions import ActionStatus, AffectedOthers, RequestStatus, Sentiment
from bot.domain.assessment import MarkStatus, WitnessAnswer, WitnessRelation
from bot.domain.feasibility import Answer, FeasibilityCheck
from bot.domain.org import Organisation
from bot.domain.records import FollowUpAnswer, NewFeedback
from bot.domain.redaction import redact
from bot.domain.statements import IDEA_CRITERION, IDEA_QUESTION, StatementKind
from bot.features.log.draft import ActionDraft
from bot.features.log.rules import check_draft, to_checked
from storage.actions import add_action
from storage.assessment import add_mark
from storage.database import Database
from storage.evidence import add_statement
from storage.feedback import add_feedback
from storage.follow_ups import record_follow_up
from storage.nominations import suggest_nomination
from storage.people import sync_organisation
from storage.practices import assign_practice, create_practice
from storage.requests import create_request, decide
from storage.uow import UnitOfWork
from storage.witness import add_words
from storage.witness import answer as answer_witness
from storage.witness import ask as ask_witness

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "learner_weeks.yml"


@dataclass(frozen=True, slots=True)
class Seeded:
    org: Organisation  # the organisation with the learner marked `learner: true`
    learner: str
    action_ids: tuple[int, ...]


def as_learner(org: Organisation, person_id: str) -> Organisation:
    people = [p.model_copy(update={"learner": p.learner or p.id == person_id}) for p in org.people]
    return org.model_copy(update={"people": people})


def read_weeks(path: Path = EXAMPLE) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


async def load_learner_weeks(
    database: Database, org: Organisation, data: dict[str, Any] | None = None
) -> Seeded:
    """Stores the weeks (examples/learner_weeks.yml unless `data` is given)."""
    data = data if data is not None else read_weeks()
    learner = str(data["learner"])
    org = as_learner(org, learner)
    ids: list[int] = []
    async with UnitOfWork(database) as uow:
        await sync_organisation(uow, org)
        for entry in data.get("actions", []):
            ids.append(await _action(uow, org, learner, entry))
        for answer in data.get("knowledge", []):
            await add_statement(
                uow,
                learner,
                StatementKind.KNOWLEDGE,
                answer["answer"],
                question=answer["question"],
                criterion=str(answer["criterion"]),
                at=_at(answer["day"]),
            )
        if suggestion := data.get("suggestion"):
            await _suggest(uow, learner, ids, suggestion)
        for mark in data.get("marks", []):
            await add_mark(
                uow,
                learner_id=learner,
                assessor_id=mark["by"],
                criterion=str(mark["criterion"]),
                status=MarkStatus(mark["mark"]),
                comment=mark.get("comment", ""),
                at=_at(mark["day"]),
            )
        await uow.commit()
    return Seeded(org, learner, tuple(ids))


async def _action(uow: UnitOfWork, org: Organisation, learner: str, entry: dict[str, Any]) -> int:
    day: date = entry["day"]
    idea = entry.get("idea")
    draft = _draft(entry, idea)
    errors = check_draft(org, draft, day, learner=not idea)
    if errors:
        raise ValueError(f"{day}: {errors}")
    checked = to_checked(draft, day)
    at = _at(day)
    cost = Decimal(str(idea["cost"])) if idea else None
    minutes = int(idea["minutes"]) if idea else None
    if idea:  # inside authority with every box ticked it is done; else it waits
        decided = "decision" in idea
        checked = replace(
            checked, status=ActionStatus.PENDING_APPROVAL if decided else ActionStatus.DONE
        )
    action = await add_action(uow, learner, checked, cost=cost, minutes=minutes, now=at)
    if idea:
        await _idea(uow, learner, action.id, idea, cost or Decimal(0), minutes or 0, at)
    await _words(uow, learner, action.id, entry, at)
    await _reactions(uow, learner, action.id, entry, at)
    if seen := entry.get("witness"):
        await _witness(uow, org, learner, action.id, seen, at)
    return action.id


async def _witness(
    uow: UnitOfWork,
    org: Organisation,
    learner: str,
    action_id: int,
    seen: dict[str, Any],
    at: datetime,
) -> None:
    """A witness asked in chat (the supervisor, or a colleague the learner named) answers
    with one tap and a sentence the next day."""
    witness = org.person(seen["by"])
    assert witness is not None, seen["by"]
    asked = await ask_witness(
        uow,
        action_id=action_id,
        learner_id=learner,
        witness_id=witness.id,
        relation=WitnessRelation(seen["relation"]),
        witness_role=witness.role.value,
        at=at,
    )
    assert asked is not None
    await answer_witness(uow, asked.id, WitnessAnswer(seen["answer"]), at + timedelta(days=1))
    if words := seen.get("words"):
        await add_words(uow, asked.id, words)


def _draft(entry: dict[str, Any], idea: dict[str, Any] | None) -> ActionDraft:
    return ActionDraft(
        status=ActionStatus.PROPOSED if idea else ActionStatus.DONE,
        occurred_on=entry["day"].isoformat(),
        customer_need=entry["need"],
        extra=entry["extra"],
        result=entry.get("result", ""),
        context=entry["context"],
        approach=entry["approach"],
        customer_aware=entry.get("customer_aware", ""),
        offer_item=entry.get("offer", ""),
        cost=str(idea["cost"]) if idea else "",
        minutes=str(idea["minutes"]) if idea else "",
        checked=",".join(idea.get("checked", [])) if idea else "",
        explanation=idea["explanation"] if idea else "",
    )


async def _words(
    uow: UnitOfWork, learner: str, action_id: int, entry: dict[str, Any], at: datetime
) -> None:
    for kind, words in (entry.get("said") or {}).items():
        await add_statement(
            uow,
            learner,
            StatementKind(kind),
            words,
            action_id=action_id,
            at=at + timedelta(hours=1),
        )
    for code, words in (entry.get("reasoning") or {}).items():
        await add_statement(
            uow,
            learner,
            StatementKind.REASONING,
            words,
            action_id=action_id,
            criterion=str(code),
            question=f"Your reasoning ({code})",
            at=at + timedelta(hours=2),
        )


async def _reactions(
    uow: UnitOfWork, learner: str, action_id: int, entry: dict[str, Any], at: datetime
) -> None:
    for feedback in entry.get("feedback") or []:
        await add_feedback(
            uow,
            NewFeedback(
                action_id=action_id,
                person_id=learner,
                recorded_by=feedback["recorded_by"],
                channel="in person",
                sentiment=Sentiment(feedback["sentiment"]),
                words=redact(feedback["words"]),
                rating=None,
                quoted_from=None,
            ),
        )
    if follow_up := entry.get("follow_up"):
        noticed = {"yes": True, "no": False}.get(str(follow_up.get("noticed", "")))
        answer = FollowUpAnswer(
            AffectedOthers(follow_up["affected_others"]), noticed, redact(follow_up.get("note", ""))
        )
        await record_follow_up(uow, action_id, answer, at + timedelta(days=3))


async def _idea(
    uow: UnitOfWork,
    learner: str,
    action_id: int,
    idea: dict[str, Any],
    cost: Decimal,
    minutes: int,
    at: datetime,
) -> None:
    explanation = redact(idea["explanation"])
    if "decision" not in idea:  # the explanation kept as their reasoning (as chat does)
        await add_statement(
            uow,
            learner,
            StatementKind.REASONING,
            explanation,
            action_id=action_id,
            criterion=IDEA_CRITERION,
            question=IDEA_QUESTION,
            at=at,
        )
        return
    ticks = set(idea.get("checked", []))

    def made(box: str) -> Answer:
        return Answer.YES if box in ticks else Answer.UNSURE

    check = FeasibilityCheck(
        cost=cost,
        minutes=minutes,
        within_authority=made("authority"),
        within_guidelines=made("guidelines"),
        within_regulations=made("regulations"),
        affects_others=Answer.NO if "others" in ticks else Answer.UNSURE,
    )
    request_id = await create_request(
        uow,
        action_id=action_id,
        requester_id=learner,
        approver_id=idea["by"],
        check=check,
        explanation=explanation,
        now=at,
    )
    status: Literal[RequestStatus.APPROVED, RequestStatus.DECLINED] = (
        RequestStatus.APPROVED if idea["decision"] == "approved" else RequestStatus.DECLINED
    )
    await decide(uow, request_id, status=status, by=idea["by"], reason=idea.get("reason"), now=at)


async def _suggest(
    uow: UnitOfWork, learner: str, ids: list[int], suggestion: dict[str, Any]
) -> None:
    now = datetime.combine(date(2026, 11, 19), time(12), UTC)
    practice = await create_practice(uow, suggestion["practice"], learner, now)
    await assign_practice(uow, ids[1], practice)
    await suggest_nomination(
        uow,
        practice,
        successes=1,
        people=1,
        weeks=1,
        now=now,
        suggested_by=learner,
        suggestion=redact(suggestion["reason"]),
    )


def _at(day: date) -> datetime:
    return datetime.combine(day, time(11), UTC)
