"""The coverage matrix (issue 19): per criterion of CFACSA9 and CU801, the pieces of
evidence that support it (with their type and why), the assessor's mark, and for a gap the
reason it is one. Pure: it reads the claims of bot.domain.evidence."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.domain.assessment import KNOWLEDGE_QUESTIONS
from bot.domain.evidence import Claim, EvidenceType, Mark, Witness
from bot.domain.standard import CU801, KNOWLEDGE, PERFORMANCE
from bot.domain.statements import Statement


@dataclass(frozen=True, slots=True)
class Support:
    ref: str  # "A3" an account, "W1" a witness statement, "Q2" a knowledge answer
    type: EvidenceType
    why: str


@dataclass(frozen=True, slots=True)
class Cell:
    code: str
    text: str
    supports: tuple[Support, ...]
    gap_reason: str
    mark: Mark | None = None

    @property
    def gap(self) -> bool:
        return not self.supports

    @property
    def refs(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s.ref for s in self.supports))

    @property
    def by_type(self) -> tuple[tuple[EvidenceType, tuple[str, ...]], ...]:
        """The references grouped by type of evidence, in the order of EvidenceType."""
        return tuple(
            (kind, refs)
            for kind in EvidenceType
            if (refs := tuple(dict.fromkeys(s.ref for s in self.supports if s.type is kind)))
        )


@dataclass(frozen=True, slots=True)
class Matrix:
    performance: tuple[Cell, ...]
    knowledge: tuple[Cell, ...]
    cu801: tuple[Cell, ...]

    def all(self) -> tuple[Cell, ...]:
        return (*self.performance, *self.knowledge, *self.cu801)


_NO_ACTION = "No action logged yet."
_NO_IDEA = "No idea put through the idea form yet: its check is made before acting."
GAPS = {
    "P1": "No account explains our offer in the learner's own words yet "
    "(a picked offer item alone is not enough).",
    "P2": "No account says, in the learner's words, what the customer expected and why.",
    "P3": "No account sets our offer against the customer's expectation in the learner's words.",
    "P4": _NO_ACTION,
    "P5": _NO_ACTION,
    "P6": _NO_IDEA,
    "P7": _NO_IDEA,
    "P8": "No idea checked for its effect on other customers before acting "
    "(a follow-up answered afterwards is P12, not P8).",
    "P9": "No idea explained to a supervisor yet.",
    "P10": "No action carried out and described, or witnessed, yet.",
    "P11": "No account where the customer knew it was extra and the learner says how it went.",
    "P12": "No follow-up on the effect on other customers answered in the learner's words.",
    "P13": "No praise noted and passed on by the learner themselves "
    "(praise the bot passed on is not enough).",
    "P14": "No follow-up of the customer's reaction in the learner's words yet.",
    "K4": "No knowledge answer yet (ticking 'within my authority' is not enough).",
    "K5": "No knowledge answer yet (ticking 'within the regulations' is not enough).",
}
_KNOWLEDGE_GAP = "No knowledge answer or reasoning in the learner's words yet."
# A knowledge answer supports its criterion and that criterion's twin: a CU801 criterion's
# is the CFACSA9 one beside it, and K1-K7's are CU801's 4.1-4.7. A CU801 cell reads its
# twin's supports anyway (`cell`), so this adds no evidence; it puts the knowledge
# answers first in 4.1-4.7, before the accounts' reasoning.
_TWIN = {source: code for code, (_, source) in CU801.items() if code.startswith("4.")}
_TWIN |= {code: source for code, (_, source) in CU801.items()}


def matrix(
    accounts: Sequence[tuple[str, Sequence[Claim]]],
    witnesses: Sequence[tuple[str, Witness]] = (),
    knowledge: Sequence[tuple[str, Statement]] = (),
    suggestions: Sequence[str] = (),
    marks: Sequence[Mark] = (),
) -> Matrix:
    """`accounts`: each account's reference and claims; `witnesses` and `knowledge` (answers
    with no action) by reference; `suggestions`: references of the learner's own
    suggestions that a practice join the routine offer, with their reason (3.5, K9)."""
    found: dict[str, list[Support]] = {}

    def add(code: str, support: Support) -> None:
        found.setdefault(code, []).append(support)

    for ref, account_claims in accounts:
        for claim in account_claims:
            add(claim.code, Support(ref, claim.type, claim.why))
    for ref, witness in witnesses:
        for code in witness.criteria:
            add(code, Support(ref, EvidenceType.WITNESS, f"{witness.role}: {witness.how_known}"))
    for ref, answer in knowledge:
        code = answer.criterion
        support = Support(ref, EvidenceType.CANDIDATE, "knowledge answer")
        add(code, support)
        if code in _TWIN:
            add(_TWIN[code], support)
    for ref in suggestions:
        add("3.5", Support(ref, EvidenceType.PRODUCT, "suggested it join the routine offer"))
        add("K9", Support(ref, EvidenceType.CANDIDATE, "their reason for the suggestion"))
    latest_mark = {m.criterion: m for m in sorted(marks, key=lambda m: m.on)}

    def cell(code: str, text: str, source: str | None = None) -> Cell:
        supports = list(found.get(code, []))
        if source is not None:
            supports += [s for s in found.get(source, []) if s not in supports]
        reason = GAPS.get(source or code, _KNOWLEDGE_GAP if code[0] in "K4" else _NO_ACTION)
        if code in KNOWLEDGE_QUESTIONS and reason.startswith("No knowledge answer"):
            reason += f" The bot asks it as: “{KNOWLEDGE_QUESTIONS[code]}”"
        if code == "3.5":
            reason = "No suggestion yet that an extra-mile action join the routine offer."
        return Cell(code, text, tuple(supports), reason, latest_mark.get(code))

    return Matrix(
        performance=tuple(cell(c, t) for c, t in PERFORMANCE.items()),
        knowledge=tuple(cell(c, t) for c, t in KNOWLEDGE.items()),
        cu801=tuple(cell(c, t, None if c == "3.5" else source) for c, (t, source) in CU801.items()),
    )
