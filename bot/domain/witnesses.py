"""How the portfolio words its witnesses (issue 19b). Storage reads plain data
(storage.witness.portfolio_witness_data: the witness statements that are evidence, the
approval exchanges and the names of the people in them); bot.reports.portfolio turns it
into the portfolio's witnesses (bot.domain.evidence.Witness) here, in the words the pages
and the PDF show:

- a statement (criteria P10): the witness by name, their role ("Supervisor", "Colleague",
  or a colleague's role as the organisation file gave it, "Manager (colleague)"), how
  they know ("saw it", "can confirm it"), their sentence or that they confirmed with one
  tap, dated the day they answered;
- an approval exchange (criteria P9): the approver as "Supervisor", known by "approval
  exchange", the question, answer and decision as words, dated by its last step; its `id`
  is the request's id, negated, so it never meets a statement's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.domain.assessment import Exchange, ExchangeKind, WitnessRelation, WitnessStatement
from bot.domain.evidence import Witness

SUPERVISOR = "Supervisor"
COLLEAGUE = "Colleague"
APPROVAL_EXCHANGE = "approval exchange"
ONE_TAP = "Confirmed with one tap; no sentence added."


def portfolio_witnesses(
    statements: Sequence[WitnessStatement],
    exchanges: Mapping[int, Sequence[Exchange]],
    names: Mapping[str, str],
) -> list[Witness]:
    """Each statement that is evidence (oldest first), then each approval's exchange (by
    action); `names`: person id -> name, for the people in either."""
    found = [
        w for s in statements if s.is_evidence and (w := statement_witness(s, names)) is not None
    ]
    found += [
        w
        for action_id, steps in exchanges.items()
        if (w := exchange_witness(action_id, steps, names)) is not None
    ]
    return found


def statement_witness(s: WitnessStatement, names: Mapping[str, str]) -> Witness | None:
    if s.answer is None or s.answered_at is None:
        return None
    return Witness(
        id=s.id,
        action_id=s.action_id,
        witness=names.get(s.witness_id, s.witness_id),
        role=role(s),
        how_known=s.answer.how_known,
        words=s.words or ONE_TAP,
        on=s.answered_at.date(),
        criteria=("P10",),
    )


def exchange_witness(
    action_id: int, steps: Sequence[Exchange], names: Mapping[str, str]
) -> Witness | None:
    dates = [step.at for step in steps if step.at is not None]
    if not dates:
        return None
    approver = next(s.by for s in steps if s.kind is not ExchangeKind.ANSWER)
    return Witness(
        id=-steps[0].request_id,
        action_id=action_id,
        witness=names.get(approver, approver),
        role=SUPERVISOR,
        how_known=APPROVAL_EXCHANGE,
        words=" ".join(said(step, names) for step in steps),
        on=max(dates).date(),
        criteria=("P9",),
    )


def role(statement: WitnessStatement) -> str:
    """Who the witness is to the learner, as the portfolio says it."""
    if statement.relation is WitnessRelation.SUPERVISOR:
        return SUPERVISOR
    given = statement.witness_role
    return COLLEAGUE if given == "staff" else f"{given.capitalize()} (colleague)"


def said(step: Exchange, names: Mapping[str, str]) -> str:
    """One step of an approval's exchange, in words."""
    who = names.get(step.by, step.by)
    if step.kind is ExchangeKind.QUESTION:
        return f"{who} asked: “{step.words}”"
    if step.kind is ExchangeKind.ANSWER:
        return f"{who} answered: “{step.words}”"
    return f"{who} {step.outcome}: “{step.words}”" if step.words else f"{who} {step.outcome}."
