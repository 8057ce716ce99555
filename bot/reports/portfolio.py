"""A learner's evidence portfolio (issue 19): each action as a STAR account in the
learner's own words, with the criteria it claims under the evidence rules
(bot.domain.evidence) and links to the matrix and back; the coverage matrix
(bot.domain.coverage) with each piece's type, the assessor's mark and each gap's reason;
CU801's evidence requirements with the accounts meeting them; knowledge answers, witness
statements, the learner's declaration and the assessor's sign-off. Every free text is
redacted again as it is drawn. Rendering (HTML, PDF, the export zip) is in
bot.reports.portfolio_render."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from zoneinfo import ZoneInfo

from bot.context import Scene
from bot.domain.actions import NOT_COVERED, Approach, Context
from bot.domain.coverage import Matrix, matrix
from bot.domain.evidence import Claim, LearnerEvidence, Witness, claims
from bot.domain.names import person_name
from bot.domain.org import Person
from bot.domain.records import ActionRecord
from bot.domain.redaction import redact
from bot.domain.standard import UNIT
from bot.domain.statements import Statement, StatementKind
from bot.domain.witnesses import portfolio_witnesses
from bot.reports.portfolio_render import portfolio_html, portfolio_pdf, portfolio_pdf_of
from bot.reports.portfolio_story import Requirement, outcome, requirements, story_rows
from storage.portfolio import learner_evidence, portfolio_data
from storage.witness import portfolio_witness_data

__all__ = [
    "build_portfolio",
    "portfolio_html",
    "portfolio_pdf",
    "portfolio_pdf_of",
]


@dataclass(frozen=True, slots=True)
class Star:
    number: int
    day: date
    title: str  # the heading, whole: the reference, the day and the situation
    context: Context
    approach: Approach
    status: str
    rows: tuple[tuple[str, str], ...]  # (label, words) in STAR order
    action: str
    claims: tuple[Claim, ...]
    witnesses: tuple[str, ...]  # "W1", ...

    @property
    def ref(self) -> str:
        return f"A{self.number}"

    @property
    def criteria(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.claims)


@dataclass(frozen=True, slots=True)
class Answer:
    ref: str
    criterion: str
    question: str
    answer: str
    day: date


@dataclass(frozen=True, slots=True)
class WitnessPage:
    ref: str
    witness: Witness
    account: str  # "A3", or ""


@dataclass(frozen=True, slots=True)
class Portfolio:
    person: str
    role: str
    supervisor: str
    assessor: str
    organisation: str
    unit: str
    period: str
    stars: tuple[Star, ...]
    matrix: Matrix
    requirements: tuple[Requirement, ...]
    answers: tuple[Answer, ...]
    suggestions: tuple[tuple[str, str], ...]  # (ref, the learner's reason)
    witnesses: tuple[WitnessPage, ...]
    generated: str = field(default="")

    @property
    def performance(self) -> tuple[object, ...]:
        return self.matrix.performance

    @property
    def knowledge(self) -> tuple[object, ...]:
        return self.matrix.knowledge

    @property
    def cu801(self) -> tuple[object, ...]:
        return self.matrix.cu801


async def build_portfolio(scene: Scene, person: Person) -> Portfolio:
    data = await portfolio_data(scene.uow, person.id)
    evidence = await learner_evidence(scene.uow, person.id)
    seen = await portfolio_witness_data(scene.uow, person.id)
    witnesses = portfolio_witnesses(seen.statements, seen.exchanges, seen.names)
    evidence = replace(evidence, witnesses=tuple(witnesses))
    org = scene.org
    witness_refs = {w.id: f"W{i + 1}" for i, w in enumerate(evidence.witnesses)}
    stars = tuple(
        _star(scene, i + 1, action, evidence, witness_refs) for i, action in enumerate(data.actions)
    )
    account_of = {a.id: f"A{i + 1}" for i, a in enumerate(data.actions)}
    answers = tuple(
        Answer(f"Q{i + 1}", s.criterion, s.question, redact(s.answer), s.created_at.date())
        for i, s in enumerate(_knowledge(evidence.statements))
    )
    suggestions = tuple((f"S{i + 1}", reason) for i, reason in enumerate(evidence.suggestions))
    pages = tuple(
        WitnessPage(witness_refs[w.id], w, account_of.get(w.action_id or 0, ""))
        for w in evidence.witnesses
    )
    coverage = matrix(
        [(s.ref, s.claims) for s in stars],
        witnesses=[(p.ref, p.witness) for p in pages],
        knowledge=[
            (a.ref, s) for a, s in zip(answers, _knowledge(evidence.statements), strict=True)
        ],
        suggestions=[ref for ref, _ in suggestions],
        marks=evidence.marks,
    )
    days = [s.day for s in stars]
    period = f"{min(days):%d %B %Y} to {max(days):%d %B %Y}" if days else "no actions yet"
    tz = ZoneInfo(org.organisation.timezone)
    return Portfolio(
        person=person.name,
        role=person.role.value,
        supervisor=person_name(org, person.supervisor) if person.supervisor else "-",
        assessor=_assessor(scene, person),
        organisation=org.organisation.name,
        unit=UNIT,
        period=period,
        stars=stars,
        matrix=coverage,
        requirements=requirements(stars),
        answers=answers,
        suggestions=suggestions,
        witnesses=pages,
        generated=scene.now.astimezone(tz).strftime("%d %B %Y, %H:%M"),
    )


def _assessor(scene: Scene, person: Person) -> str:
    return person_name(scene.org, person.assessor) if person.assessor else ""


def _knowledge(statements: tuple[Statement, ...]) -> list[Statement]:
    """Knowledge answers given on their own (not about an action), latest per criterion."""
    latest: dict[str, Statement] = {}
    for s in statements:
        if s.kind is StatementKind.KNOWLEDGE and s.action_id is None:
            latest[s.criterion or s.question] = s
    return sorted(latest.values(), key=lambda s: (s.created_at, s.id))


def _star(
    scene: Scene,
    number: int,
    action: ActionRecord,
    evidence: LearnerEvidence,
    witness_refs: dict[int, str],
) -> Star:
    item = scene.org.offer_item(action.offer_item_id)
    offer = item.title if item and action.offer_item_id != NOT_COVERED else None
    words = evidence.words_on(action.id)
    context = Context(action.context)
    situation = context.label if context is not Context.UNSAID else "Situation not given"
    return Star(
        number=number,
        day=action.occurred_on,
        title=f"A{number} · {action.occurred_on:%d %B %Y} · {situation}",
        context=context,
        approach=Approach(action.approach),
        status=outcome(scene.org, action, words),
        rows=story_rows(scene.org, action, offer, words),
        action=redact(action.extra),
        claims=claims(action, words),
        witnesses=tuple(witness_refs[w.id] for w in evidence.witnesses if w.action_id == action.id),
    )
