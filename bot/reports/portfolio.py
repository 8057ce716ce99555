"""A learner's evidence portfolio: each action as a STAR account, a coverage matrix of
CFACSA9 and CU801 derived from what the data holds (never claimed without it), and the
CU801 evidence requirements checked off. Printable HTML, and PDF from the same HTML."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, select_autoescape

from bot.context import Scene
from bot.domain.actions import (
    CARRIED_OUT,
    NOT_COVERED,
    AffectedOthers,
    Approach,
    Context,
    RequestStatus,
    Sentiment,
)
from bot.domain.names import person_name
from bot.domain.org import Person
from bot.domain.records import ActionRecord
from bot.domain.standard import CU801, KNOWLEDGE, PERFORMANCE, UNIT
from bot.reports.attachments import draw
from storage.portfolio import portfolio_data


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
    criteria = ["P2", "P4"]
    if offer:
        criteria += ["P1", "P3"]
    if carried_out:
        criteria += ["P5", "P10"]
    if action.customer_aware:
        criteria.append("P11")
    feasibility, testimony = "", ""
    if action.cost is not None:
        criteria += ["P6", "P7", "P8"]
        feasibility = f"Checked before acting: cost {action.cost:.2f}, {action.minutes} minutes" + (
            f"; {action.check}" if action.check else ""
        )
    if action.request is not None:
        criteria.append("P9")
        request = action.request
        decider = person_name(org, request.decided_by) if request.decided_by else ""
        if request.status in (RequestStatus.APPROVED, RequestStatus.DECLINED):
            testimony = (
                f"{decider} ({request.status}"
                + (f": “{request.reason}”" if request.reason else "")
                + ")"
            )
        else:
            testimony = f"Explained to {person_name(org, request.approver_id)}; awaiting decision"
    if action.affected_others is not None:
        criteria += ["P12", "P8"]
    feedback = tuple(
        f"{f.sentiment}: “{f.words or '(words removed after the retention period)'}”"
        for f in action.feedback
    )
    if any(f.sentiment == Sentiment.POSITIVE for f in action.feedback):
        criteria.append("P13")
    if action.feedback or action.customer_noticed is not None:
        criteria.append("P14")
    follow_up = ""
    if action.affected_others is not None:
        effect = {
            AffectedOthers.NO: "did not affect",
            AffectedOthers.A_LITTLE: "affected a little",
            AffectedOthers.YES: "affected",
        }[action.affected_others]
        follow_up = f"It {effect} the service to other customers."
        if action.follow_up_note:
            follow_up += f" {action.follow_up_note}"
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
        feasibility=feasibility,
        testimony=testimony,
        feedback=feedback,
        follow_up=follow_up,
        criteria=tuple(sorted(set(criteria), key=lambda c: (c[0], int(c[1:])))),
    )


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


_TEMPLATES = Environment(
    loader=PackageLoader("bot.reports", "templates"), autoescape=select_autoescape(["html"])
)


def portfolio_html(portfolio: Portfolio) -> str:
    return _TEMPLATES.get_template("portfolio.html").render(p=portfolio)


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
