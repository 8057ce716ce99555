"""The assessor's commands: `mark`, `request`, `learners`. The learner is told in plain
words; the assessor may see criteria codes. Every step is audited."""

from __future__ import annotations

from bot.context import Turn
from bot.domain.assessment import (
    CRITERIA,
    AssessorMark,
    MarkStatus,
    assesses,
    criterion_code,
    learners_of,
)
from bot.domain.org import Person
from bot.domain.text import shorten
from bot.features.assessor import requests
from bot.features.log.one_line import free_text
from bot.features.portfolio.flow import find_person
from bot.messages import Outbound, Text
from bot.routes import RouteTable
from storage.assessment import add_mark, add_request, current_marks
from storage.events import audit

MARK_USAGE = (
    "To mark a criterion: `mark <learner> <criterion> met|not yet|needs more <comment>`, "
    "e.g. `mark leila P2 needs more Tell me what the customer expected`."
)
REQUEST_USAGE = (
    "To ask for evidence: `request <learner> [criterion] <what you need>`, "
    "e.g. `request leila K5 An example of a rule that stopped you doing more`."
)
ONLY_ASSESSORS = "Only an assessor can do that."
MAX_COMMENT = 500
_TOLD = {
    MarkStatus.MET: "as met",
    MarkStatus.NOT_YET: "as not met yet",
    MarkStatus.NEEDS_MORE: "as needing more evidence",
}


def _learner(turn: Turn, who: str) -> Person | str:
    """The learner named, if this person assesses them; else why not."""
    if not learners_of(turn.org, turn.person):
        return ONLY_ASSESSORS
    learner = find_person(turn, who)
    if learner is None:
        return f"I don't know {who!r}. Use their id or first name."
    if not assesses(turn.person, learner):
        return f"{learner.name} isn't one of your learners."
    return learner


def _status(text: str) -> tuple[MarkStatus, str] | None:
    lowered = text.lower()
    for status in (MarkStatus.NOT_YET, MarkStatus.NEEDS_MORE, MarkStatus.MET):
        if lowered == status.value or lowered.startswith(f"{status.value} "):
            return status, text[len(status.value) :].strip(" :-—")
    return None


async def mark(turn: Turn, rest: str) -> list[Outbound]:
    if not learners_of(turn.org, turn.person):  # not an assessor: a sentence, as before
        return await free_text(turn, f"mark {rest}".strip())
    who, _, after = rest.strip().partition(" ")
    code_text, _, said = after.strip().partition(" ")
    if not who:
        return [Text(MARK_USAGE)]
    learner = _learner(turn, who)
    if isinstance(learner, str):
        return [Text(learner)]
    criterion, status = criterion_code(code_text), _status(said.strip())
    if criterion is None or status is None:
        return [Text(MARK_USAGE)]
    given, comment = status
    if len(comment) > MAX_COMMENT:
        return [Text(f"Please keep the comment under {MAX_COMMENT} characters.")]
    marked = await add_mark(
        turn.uow,
        learner_id=learner.id,
        assessor_id=turn.person.id,
        criterion=criterion,
        status=given,
        comment=comment,
        at=turn.now,
    )
    await _audit(turn, "assessor.marked", learner, {"criterion": criterion, "status": given})
    await turn.notify.person(learner.id, Text(_told(turn, marked)), "assessor-mark", marked.id)
    return [
        Text(
            f"Marked {criterion} for {learner.name}: {given.value}. "
            f"{learner.first_name} has been told."
        )
    ]


def _told(turn: Turn, marked: AssessorMark) -> str:
    """The learner's message: plain words, the criterion by what it says, no code."""
    text = (
        f"{turn.person.name}, your assessor, marked your evidence for "
        f"“{CRITERIA[marked.criterion]}” {_TOLD[marked.status]}."
    )
    if marked.comment:
        text += f" Their comment: “{marked.comment}”."
    if marked.status is not MarkStatus.MET:
        text += " You can add to it by logging an action, or with `knowledge`."
    return text


async def request(turn: Turn, rest: str) -> list[Outbound]:
    if not learners_of(turn.org, turn.person):  # not an assessor: a sentence, as before
        return await free_text(turn, f"request {rest}".strip())
    who, _, after = rest.strip().partition(" ")
    if not who:
        return [Text(REQUEST_USAGE)]
    learner = _learner(turn, who)
    if isinstance(learner, str):
        return [Text(learner)]
    first, _, remainder = after.strip().partition(" ")
    criterion = criterion_code(first) or ""
    what = (remainder if criterion else after).strip()
    if not what:
        return [Text(REQUEST_USAGE)]
    if len(what) > requests.MAX_ANSWER:
        return [Text(f"Please keep the request under {requests.MAX_ANSWER:,} characters.")]
    asked = await add_request(
        turn.uow,
        learner_id=learner.id,
        assessor_id=turn.person.id,
        criterion=criterion,
        what=what,
        at=turn.now,
    )
    await _audit(turn, "assessor.requested", learner, {"criterion": criterion, "request": asked.id})
    card = requests.request_card(turn, asked)
    await turn.notify.person(learner.id, card, asked.card_key, "asked")
    return [Text(f"Asked {learner.name} for it. I'll tell you when they answer.")]


async def learners(turn: Turn, rest: str) -> list[Outbound]:
    mine = learners_of(turn.org, turn.person)
    if not mine:
        return [Text(ONLY_ASSESSORS)]
    lines = []
    for learner in mine:
        marks = await current_marks(turn.uow, learner.id)
        met = sorted(code for code, m in marks.items() if m.status is MarkStatus.MET)
        open_ = sorted(code for code, m in marks.items() if m.status is not MarkStatus.MET)
        lines.append(
            f"• {learner.name} ({learner.id}): met {', '.join(met) or 'none yet'}"
            + (f"; not yet or needs more: {', '.join(open_)}" if open_ else "")
        )
    await _audit(turn, "assessor.listed", None, {"learners": len(mine)})
    return [
        Text(
            "Your learners:\n"
            + "\n".join(lines)
            + f"\n\n`portfolio <name>` reads one. {shorten(MARK_USAGE, 200)} {REQUEST_USAGE}"
        )
    ]


async def _audit(
    turn: Turn, action: str, learner: Person | None, detail: dict[str, object]
) -> None:
    await audit(
        turn.uow,
        actor_id=turn.person.id,
        action=action,
        subject_type="person",
        subject_id=learner.id if learner else turn.person.id,
        detail=detail,
    )


def register(routes: RouteTable) -> None:
    routes.command("mark", handler=mark)
    routes.command("request", handler=request)
    routes.command("learners", handler=learners)
    routes.form(
        requests.ANSWER_FORM, requests.submit_answer, opens=requests.open_answer, with_param=True
    )
