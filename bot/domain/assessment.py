"""The records of an NVQ assessment gathered in chat (issue 19): witness statements, the
approval exchanges kept as P9 evidence, an assessor's marks and evidence requests, and the
knowledge questions asked in plain words. storage.witness and storage.assessment return
these; the portfolio reads them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from bot.domain.org import Organisation, Person, Role
from bot.domain.standard import CU801, KNOWLEDGE, PERFORMANCE


class WitnessAnswer(StrEnum):
    """The witness's one tap."""

    SAW = "saw"  # saw it themselves: observation
    CONFIRM = "confirm"  # can confirm it (heard from the customer, checked the records)
    CANNOT_SAY = "cannot_say"  # cannot say: no evidence

    @property
    def label(self) -> str:
        return {"saw": "I saw it", "confirm": "I can confirm it", "cannot_say": "I can't say"}[
            self.value
        ]

    @property
    def how_known(self) -> str:
        """How the witness knows, as the statement says it."""
        return {"saw": "saw it", "confirm": "can confirm it", "cannot_say": "could not say"}[
            self.value
        ]

    @property
    def evidence(self) -> bool:
        return self is not WitnessAnswer.CANNOT_SAY


class WitnessRelation(StrEnum):
    """Who the witness is to the learner."""

    SUPERVISOR = "supervisor"
    COLLEAGUE = "colleague"


@dataclass(frozen=True, slots=True)
class WitnessStatement:
    """One witness asked about one action, and (once answered) what they said."""

    id: int
    action_id: int
    learner_id: str
    witness_id: str
    relation: WitnessRelation  # supervisor, or a colleague the learner named
    witness_role: str  # their role in the organisation when asked (staff, supervisor, ...)
    asked_at: datetime
    answer: WitnessAnswer | None = None  # None: not answered yet
    words: str = ""  # their optional sentence, redacted
    answered_at: datetime | None = None

    @property
    def card_key(self) -> str:
        return f"witness:{self.id}"

    @property
    def is_evidence(self) -> bool:
        """Answered "I saw it" or "I can confirm it"."""
        return self.answer is not None and self.answer.evidence


@dataclass(frozen=True, slots=True)
class WitnessedAction:
    """What a witness is shown of the deed they are asked about."""

    action_id: int
    person_id: str
    extra: str
    customer_need: str
    occurred_on: date


class ExchangeKind(StrEnum):
    QUESTION = "question"  # the approver asked for more information
    ANSWER = "answer"  # the learner's answer
    DECISION = "decision"  # the approver's decision and comment


@dataclass(frozen=True, slots=True)
class Exchange:
    """One dated step of an approval's exchange (P9: explaining an idea to a senior
    colleague). `at` is None only for a question or answer asked before the audit log
    kept it."""

    action_id: int
    request_id: int
    kind: ExchangeKind
    by: str  # who said it (a person's id)
    words: str  # the question, the answer, or the decision's comment ("" if none)
    at: datetime | None
    outcome: str = ""  # a decision's status: approved or declined


class MarkStatus(StrEnum):
    MET = "met"
    NOT_YET = "not yet"
    NEEDS_MORE = "needs more"


@dataclass(frozen=True, slots=True)
class AssessorMark:
    id: int
    learner_id: str
    assessor_id: str
    criterion: str  # "P1", "K2", "4.3"
    status: MarkStatus
    comment: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class EvidenceRequest:
    """A piece of evidence an assessor asked a learner for; answered, it is an evidence
    statement (storage.evidence, kind knowledge) whose id is kept here."""

    id: int
    learner_id: str
    assessor_id: str
    criterion: str  # "" when the request names none
    what: str  # the assessor's words
    created_at: datetime
    statement_id: int | None = None
    answered_at: datetime | None = None

    @property
    def card_key(self) -> str:
        return f"evidence-request:{self.id}"


def assesses(assessor: Person, learner: Person) -> bool:
    """A learner's assessor: the one the organisation file names on them (`assessor:`),
    else anyone with the assessor role."""
    if not learner.learner or assessor.id == learner.id:
        return False
    if learner.assessor is not None:
        return learner.assessor == assessor.id
    return assessor.role is Role.ASSESSOR


def learners_of(org: Organisation, assessor: Person) -> list[Person]:
    return [p for p in org.people if assesses(assessor, p)]


# Every criterion an assessor may mark, and what it says.
CRITERIA: dict[str, str] = {
    **PERFORMANCE,
    **KNOWLEDGE,
    **{code: text for code, (text, _) in CU801.items()},
}


def criterion_code(text: str) -> str | None:
    """ "p1" -> "P1", "4.3" -> "4.3"; None if no such criterion."""
    code = text.strip().upper()
    return code if code in CRITERIA else None


# One plain question per knowledge criterion (CFACSA9 K1-K9, CU801 4.1-4.7), asked one at
# a time in this order. The words are the learner's only view of the criterion: no codes.
KNOWLEDGE_QUESTIONS: dict[str, str] = {
    "K1": "What does our routine service offer give every customer?",
    "K2": "How do customers find out what to expect from us?",
    "K3": "What kinds of extra help do most of our customers see as going beyond the usual?",
    "K4": "What are you allowed to do on your own, and when do you need to ask someone first?",
    "K5": "Which laws or rules limit what you can do for a customer? Give an example.",
    "K6": "How do we hear about it when a customer was impressed?",
    "K7": "What would we need to do to make this part of our normal service?",
    "K8": "How do you find out how customers and colleagues felt about something extra you did?",
    "K9": "How can you tell when something extra has become something we should always do?",
    "4.1": "If a new colleague asked what customers can always expect from us, what would you say?",
    "4.2": "Why might two customers expect different things from the same service?",
    "4.3": "Name two or three things we could do that most customers would see as extra.",
    "4.4": "Who decides how far you can go for a customer, and where is that written down?",
    "4.5": "Describe a time a law or regulation stopped you, or could have stopped you, "
    "from doing more.",
    "4.6": "What happens to a customer's praise or complaint after they give it to us?",
    "4.7": "Who would you talk to, and what would happen, to change what we offer every customer?",
}
