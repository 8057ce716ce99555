"""A learner's evidence portfolio: each action as a STAR account, a coverage matrix of
CFACSA9 and CU801 derived from what the data holds (never claimed without it), and the
CU801 evidence requirements checked off. Printable HTML, and PDF from the same HTML."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.context import Scene
from bot.domain.actions import (
    CARRIED_OUT,
    NOT_COVERED,
    AffectedOthers,
    Approach,
    Context,
    RequestStatus,
)
from bot.domain.evidence import criteria_met
from bot.domain.names import person_name
from bot.domain.org import Organisation, Person
from bot.domain.records import ActionRecord
from bot.domain.standard import CU801, KNOWLEDGE, PERFORMANCE, UNIT
from bot.reports.attachments import draw
from storage.portfolio import portfolio_data

if TYPE_CHECKING:
    from jinja2 import Environment


@dataclass(frozen=True, slots=True)
class Star:
    number: int
    day: date
    title: str
    context: str
    approach: str
    situation: str
    task: str
    action: str
    result: str
    feasibility: str
    testimony: str
    feedback: tuple[str, ...]
    follow_up: str
    criteria: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Cell:
    code: str
    text: str
    evidence: tuple[int, ...]  # STAR account numbers

    @property
    def gap(self) -> bool:
        return not self.evidence


@dataclass(frozen=True, slots=True)
class Requirement:
    text: str
    met: bool
    detail: str


@dataclass(frozen=True, slots=True)
class Portfolio:
    person: str
    role: str
    supervisor: str
    organisation: str
    unit: str
    period: str
    stars: tuple[Star, ...]
    performance: tuple[Cell, ...]
    knowledge: tuple[Cell, ...]
    cu801: tuple[Cell, ...]
    requirements: tuple[Requirement, ...]
    generated: str = field(default="")


async def build_portfolio(scene: Scene, person: Person) -> Portfolio:
    data = await portfolio_data(scene.uow, person.id)
    org = scene.org
    stars = tuple(_star(scene, index + 1, a) for index, a in enumerate(data.actions))
    by_code: dict[str, set[int]] = {}
    for star in stars:
        for code in star.criteria:
            by_code.setdefault(code, set()).add(star.number)
    every = {s.number for s in stars}
    knowledge_evidence = {
        "K1": by_code.get("P1", set()) | by_code.get("P3", set()),
        "K2": set(),  # how customers form expectations: for the assessor to ask
        "K3": by_code.get("P11", set()) | by_code.get("P13", set()),
        "K4": by_code.get("P6", set()),
        "K5": by_code.get("P7", set()),
        "K6": by_code.get("P13", set()) | by_code.get("P14", set()),
        "K7": every if data.decided_nomination else set(),
        "K8": by_code.get("P12", set()) | by_code.get("P14", set()),
        "K9": every if data.nominated_or_suggested else set(),
    }
    by_code.update(knowledge_evidence)
    tz = ZoneInfo(org.organisation.timezone)
    days = [s.day for s in stars]
    period = f"{min(days):%d %B %Y} to {max(days):%d %B %Y}" if days else "no actions yet"
    supervisor = person_name(org, person.supervisor) if person.supervisor else "-"
    return Portfolio(
        person=person.name,
        role=person.role.value,
        supervisor=supervisor,
        organisation=org.organisation.name,
        unit=UNIT,
        period=period,
        stars=stars,
        performance=tuple(
            Cell(c, t, tuple(sorted(by_code.get(c, set())))) for c, t in PERFORMANCE.items()
        ),
        knowledge=tuple(
            Cell(c, t, tuple(sorted(by_code.get(c, set())))) for c, t in KNOWLEDGE.items()
        ),
        cu801=tuple(
            Cell(c, t, tuple(sorted(by_code.get(source, set()))))
            for c, (t, source) in CU801.items()
        ),
        requirements=_requirements(stars),
        generated=scene.now.astimezone(tz).strftime("%d %B %Y, %H:%M"),
    )


def _star(scene: Scene, number: int, action: ActionRecord) -> Star:
    org = scene.org
    item = org.offer_item(action.offer_item_id)
    offer = item.title if item and action.offer_item_id != NOT_COVERED else None
    carried_out = action.status in CARRIED_OUT
    context = Context(action.context).label
    return Star(
        number=number,
        day=action.occurred_on,
        title=action.extra[:90],
        context=context,
        approach=Approach(action.approach).label,
        situation=f"{context}. The customer: {action.customer_need}",
        task=(
            f"Our routine offer gives: {offer}. The gap: what the customer needed beyond it."
            if offer
            else "Nothing in our routine offer covered it."
        ),
        action=action.extra,
        result=action.result or ("Idea, not carried out." if not carried_out else ""),
        feasibility=_feasibility(action),
        testimony=_testimony(org, action),
        feedback=tuple(
            f"{f.sentiment}: “{f.words or '(words removed after the retention period)'}”"
            for f in action.feedback
        ),
        follow_up=_follow_up(action),
        criteria=criteria_met(action, offer),
    )


def _feasibility(action: ActionRecord) -> str:
    """The feasibility check made before acting, if one was."""
    if action.cost is None:
        return ""
    check = f"; {action.check}" if action.check else ""
    return f"Checked before acting: cost {action.cost:.2f}, {action.minutes} minutes{check}"


def _testimony(org: Organisation, action: ActionRecord) -> str:
    """The approver's decision on the request to act, if there was one."""
    request = action.request
    if request is None:
        return ""
    if request.status not in (RequestStatus.APPROVED, RequestStatus.DECLINED):
        return f"Explained to {person_name(org, request.approver_id)}; awaiting decision"
    decider = person_name(org, request.decided_by) if request.decided_by else ""
    reason = f": “{request.reason}”" if request.reason else ""
    return f"{decider} ({request.status}{reason})"


_EFFECTS = {
    AffectedOthers.NO: "did not affect",
    AffectedOthers.A_LITTLE: "affected a little",
    AffectedOthers.YES: "affected",
}


def _follow_up(action: ActionRecord) -> str:
    """What the follow-up said of the effect on other customers, if it was answered."""
    if action.affected_others is None:
        return ""
    follow_up = f"It {_EFFECTS[action.affected_others]} the service to other customers."
    if action.follow_up_note:
        follow_up += f" {action.follow_up_note}"
    return follow_up


def _requirements(stars: tuple[Star, ...]) -> tuple[Requirement, ...]:
    done = [s for s in stars if "P10" in s.criteria]

    def during(label: str) -> Requirement:
        found = [s.number for s in done if s.context == label]
        return Requirement(f"Going the extra mile: {label.lower()}", bool(found), _accounts(found))

    approaches = {s.approach for s in done}
    days = sorted({s.day for s in done})
    spread = (days[-1] - days[0]).days if days else 0
    return (
        during(Context.ROUTINE.label),
        during(Context.BUSY.label),
        during(Context.QUIET.label),
        during(Context.LET_DOWN.label),
        Requirement(
            "Following procedures",
            Approach.PROCEDURE.label in approaches,
            _accounts([s.number for s in done if s.approach == Approach.PROCEDURE.label]),
        ),
        Requirement(
            "Using own initiative",
            Approach.INITIATIVE.label in approaches,
            _accounts([s.number for s in done if s.approach == Approach.INITIATIVE.label]),
        ),
        Requirement(
            "Different customers on different occasions over a period",
            len(days) >= 3 and spread >= 14,
            f"{len(done)} actions on {len(days)} days over {spread} days",
        ),
    )


def _accounts(numbers: list[int]) -> str:
    return ", ".join(f"#{n}" for n in numbers) if numbers else "not yet"


@cache
def _templates() -> Environment:
    # Imported on first use, like xhtml2pdf below: only portfolios need templates.
    from jinja2 import Environment, PackageLoader, select_autoescape

    return Environment(
        loader=PackageLoader("bot.reports", "templates"), autoescape=select_autoescape(["html"])
    )


def portfolio_html(portfolio: Portfolio) -> str:
    return _templates().get_template("portfolio.html").render(p=portfolio)


async def portfolio_pdf_of(portfolio: Portfolio) -> bytes:
    """The portfolio as a PDF, drawn off the event loop (bot.reports.attachments.draw): gather it
    first (`build_portfolio`) and, where you can, close the transaction before awaiting."""
    return await draw(_pdf_of, portfolio)


def _pdf_of(portfolio: Portfolio) -> bytes:
    return portfolio_pdf(portfolio_html(portfolio))


def portfolio_pdf(html: str) -> bytes:
    # Imported on first use: xhtml2pdf (with reportlab) is heavy and only portfolios need it.
    from xhtml2pdf import pisa

    buffer = io.BytesIO()
    result = pisa.CreatePDF(html, dest=buffer, encoding="utf-8")
    if result.err:
        raise RuntimeError(f"PDF rendering failed with {result.err} errors")
    return buffer.getvalue()
