"""`portfolio [person]`: a learner's evidence portfolio, for them or their supervisors."""

from __future__ import annotations

import base64
import json

from bot.context import Scene, Turn
from bot.domain.approvers import chain_above
from bot.domain.assessment import assesses
from bot.domain.org import Person, Role
from bot.features.portfolio import words
from bot.messages import Document, Outbound, Text
from bot.reports.portfolio import build_portfolio
from bot.reports.portfolio_render import portfolio_pdf_of, portfolio_zip_of
from bot.routes import RouteTable
from storage.events import audit
from storage.privacy import export_person


def may_see(scene: Scene, viewer: Person, learner: Person) -> bool:
    """Your own; your team's if you supervise or manage them; your learners' if you are
    their assessor (bot.domain.assessment.assesses)."""
    if viewer.id == learner.id or assesses(viewer, learner):
        return True
    above = {p.id for p in chain_above(scene.org, learner.id)}
    return viewer.id in above and viewer.role in (Role.SUPERVISOR, Role.MANAGER)


def find_person(scene: Scene, who: str) -> Person | None:
    wanted = who.strip().lower()
    return next(
        (p for p in scene.org.people if wanted in (p.id, p.name.lower(), p.first_name.lower())),
        None,
    )


async def my_data(turn: Turn) -> list[Outbound]:
    """Subject access in chat: everything held about the person asking."""
    data = await export_person(turn.uow, turn.person.id)
    await audit(
        turn.uow,
        actor_id=turn.person.id,
        action="person.exported",
        subject_type="person",
        subject_id=turn.person.id,
        detail={"via": "chat"},
    )
    content = json.dumps(data, indent=2, ensure_ascii=False).encode()
    return [
        Text("Here is everything I hold about you (UK GDPR subject access)."),
        Document(
            filename=f"my-data-{turn.person.id}.json",
            title="Your data",
            content_b64=base64.b64encode(content).decode(),
            person_id=turn.person.id,
            mime="application/json",
            kind="export",
        ),
    ]


async def request(turn: Turn, who: str) -> list[Outbound]:
    """`portfolio [person]`: the PDF; `portfolio export [person]`: the zip for an
    e-portfolio system (the HTML, a CSV of evidence to criteria, each witness statement)."""
    first, _, rest = who.strip().partition(" ")
    export = first.lower() in ("export", "zip")
    who = rest.strip() if export else who.strip()
    learner = find_person(turn, who) if who else turn.person
    if learner is None:
        return [Text(f"I don't know {who!r}. Use their id or name.")]
    if not may_see(turn, turn.person, learner):
        return [
            Text("You can only export your own portfolio, or your team's if you supervise them.")
        ]
    portfolio = await build_portfolio(turn, learner)  # read in the turn's transaction
    await audit(
        turn.uow,
        actor_id=turn.person.id,
        action="portfolio.exported",
        subject_type="person",
        subject_id=learner.id,
        detail={"as": "zip" if export else "pdf"},
    )
    whose = "your" if learner.id == turn.person.id else f"{learner.first_name}'s"
    mine = "" if learner.id == turn.person.id else f" {learner.id}"

    async def drawn() -> list[Outbound]:
        if export:
            bundle = await portfolio_zip_of(portfolio)
            return [
                Text(
                    f"Here is {whose} portfolio for an e-portfolio system: the portfolio as a "
                    "web page, a CSV of each piece of evidence and the criteria it supports, "
                    "and each witness statement as its own page."
                ),
                Document(
                    filename=f"portfolio-{learner.id}.zip",
                    title=f"Evidence portfolio export: {learner.name}",
                    content_b64=base64.b64encode(bundle).decode(),
                    person_id=learner.id,
                    mime="application/zip",
                    kind="portfolio-zip",
                ),
            ]
        pdf = await portfolio_pdf_of(portfolio)
        return [
            Text(
                f"Here is {whose} evidence portfolio: the accounts in the learner's words, the "
                "coverage of CFACSA9 and CU801 (gaps with their reasons), the evidence "
                "requirements, and the declaration and sign-off. For an e-portfolio system, "
                f"type portfolio export{mine} for the zip."
            ),
            Document(
                filename=f"portfolio-{learner.id}.pdf",
                title=f"Evidence portfolio: {learner.name}",
                content_b64=base64.b64encode(pdf).decode(),
                person_id=learner.id,
            ),
        ]

    return turn.after_commit(drawn)


def register(routes: RouteTable) -> None:
    words.register(routes)
    routes.command("my data", handler=lambda turn, _: my_data(turn))
    routes.command("portfolio", handler=request)
