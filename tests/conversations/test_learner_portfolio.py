"""Issue 19: the seeded learner (examples/learner_weeks.yml, eight weeks) and the document
an assessor works from. Every CFACSA9 and CU801 criterion is evidenced or a gap with its
reason; the PDF's text (pypdf) has page numbers, the contents and the declaration, no cut
heading, and none of the seeded customer's name, street or phone number; the export zip
holds the HTML (with a viewport), a CSV of evidence -> criteria and each witness statement."""

from __future__ import annotations

import base64
import csv
import io
import re
import zipfile
from dataclasses import replace
from datetime import date

import pypdf

from app.demo_learner import Seeded, load_learner_weeks
from bot.clock import FixedClock
from bot.context import Scene
from bot.domain.evidence import Witness
from bot.domain.org import Organisation
from bot.domain.standard import CU801, KNOWLEDGE, PERFORMANCE
from bot.engine import Engine
from bot.messages import Document
from bot.reports import portfolio as report
from bot.reports.portfolio import Portfolio, build_portfolio
from bot.reports.portfolio_render import portfolio_html, portfolio_pdf, portfolio_zip
from bot.serving import linked_file
from storage.database import Database
from storage.uow import UnitOfWork
from tests.conftest import NOW
from tests.fakes.chat import Chat

CUSTOMER = ("Brown", "Ellen", "Mill Lane", "07700 900456", "07700", "900456")


async def _seeded(database: Database, org: Organisation) -> tuple[Seeded, Portfolio]:
    seeded = await load_learner_weeks(database, org)
    async with UnitOfWork(database) as uow:
        scene = Scene(org=seeded.org, uow=uow, now=NOW, today=NOW.date())
        learner = seeded.org.person(seeded.learner)
        assert learner is not None and learner.learner
        return seeded, await build_portfolio(scene, learner)


def coverage_table(portfolio: Portfolio) -> list[tuple[str, str]]:
    return [
        (c.code, ", ".join(f"{s.ref} ({s.type})" for s in c.supports) or f"GAP: {c.gap_reason}")
        for c in portfolio.matrix.all()
    ]


async def test_every_criterion_is_evidenced_or_a_gap_with_its_reason(
    sqlite_db: Database, org: Organisation
) -> None:
    _, portfolio = await _seeded(sqlite_db, org)
    cells = {c.code: c for c in portfolio.matrix.all()}
    assert set(cells) == set(PERFORMANCE) | set(KNOWLEDGE) | set(CU801)
    for cell in cells.values():
        assert cell.supports or len(cell.gap_reason) > 20, cell.code
    print("\n".join(f"{code:5} {where}" for code, where in coverage_table(portfolio)))
    assert len(portfolio.stars) == 9
    assert (max(s.day for s in portfolio.stars) - min(s.day for s in portfolio.stars)).days >= 49
    assert [c for c, cell in cells.items() if cell.gap] == ["K7", "4.7"]
    assert all(r.met for r in portfolio.requirements)
    # The assessor's marks, in the matrix's last column.
    assert cells["P1"].mark is not None and cells["P1"].mark.mark == "met"
    assert cells["P13"].mark is not None and cells["P13"].mark.assessor == "Ruth Ellis"
    assert cells["P2"].mark is None
    # The evidence rules on the seeded weeks: P1 only where the learner explained the offer.
    explained = {s.ref for s in portfolio.stars if "P1" in s.criteria}
    assert explained == {"A1", "A2", "A7", "A8"}
    # An approved idea says whether it was done; its taxi cost has its £.
    taxi = portfolio.stars[4]
    assert taxi.status == "Approved, and done"
    assert "£45.00" in dict(taxi.rows)["Checked before acting"]
    # The Task is the learner's own reckoning, not boilerplate.
    tasks = [dict(s.rows).get("Our offer, in my words", "") for s in portfolio.stars]
    assert len({t for t in tasks if t}) == 4


async def test_the_pdf_an_assessor_works_from(sqlite_db: Database, org: Organisation) -> None:
    _, portfolio = await _seeded(sqlite_db, org)
    reader = pypdf.PdfReader(io.BytesIO(portfolio_pdf(portfolio_html(portfolio, pdf=True))))
    pages = [page.extract_text() for page in reader.pages]
    text = "\n".join(pages)
    assert len(pages) >= 5
    for number, page in enumerate(pages, start=1):
        assert f"page {number} of {len(pages)}" in page
    assert "Contents" in pages[0] and "Accounts (STAR)" in pages[0]
    assert "Learner declaration" in text and "Assessor sign-off" in text
    assert "I declare that the accounts in this portfolio are my own work" in text
    for star in portfolio.stars:  # every heading whole, as built
        assert star.title in text.replace("\n", " ")
        assert star.title.endswith(star.context.label) or "Situation" in star.title
    assert "£45.00" in text and "cost 45.00" not in text
    for detail in CUSTOMER:
        assert detail not in text, detail
    assert "[phone]" in text and "[address]" in text


async def test_the_html_fits_a_phone_and_the_export_zip(
    sqlite_db: Database, org: Organisation
) -> None:
    _, portfolio = await _seeded(sqlite_db, org)
    html = portfolio_html(portfolio)
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert 'href="#c-P1"' in html and 'name="c-P1"' in html  # account -> criterion
    assert 'href="#A1"' in html and 'name="A1"' in html  # criterion -> account
    for detail in CUSTOMER:
        assert detail not in html
    witness = Witness(
        7, None, "Sam Okafor", "Supervisor", "saw it", "Leila did it", date(2026, 11, 5)
    )
    with_witness = replace(portfolio, witnesses=(report.WitnessPage("W1", witness, "A7"),))
    archive = zipfile.ZipFile(io.BytesIO(portfolio_zip(with_witness)))
    assert set(archive.namelist()) == {
        "portfolio.html",
        "evidence-criteria.csv",
        "witness-W1.html",
    }
    rows = list(csv.DictReader(io.StringIO(archive.read("evidence-criteria.csv").decode())))
    assert {"reference": "A1", "criterion": "P1"}.items() <= next(
        r for r in rows if r["reference"] == "A1" and r["criterion"] == "P1"
    ).items()
    assert any(r["criterion"] == "K7" and r["evidence type"] == "gap" for r in rows)
    assert "Leila did it" in archive.read("witness-W1.html").decode()
    assert not re.search(r"\bcost \d", html)


async def test_portfolio_sends_the_pdf_and_portfolio_export_the_zip(
    sqlite_db: Database, org: Organisation, clock: FixedClock
) -> None:
    seeded = await load_learner_weeks(sqlite_db, org)
    engine = Engine(org=seeded.org, database=sqlite_db, clock=clock)
    chat = Chat(engine, "leila")
    pdf = [r for r in await chat.send_text("portfolio") if isinstance(r, Document)]
    assert [d.mime for d in pdf] == ["application/pdf"]
    assert "portfolio export" in await chat.say("portfolio")
    [bundle] = [r for r in await chat.send_text("portfolio export") if isinstance(r, Document)]
    assert (bundle.mime, bundle.kind, bundle.filename) == (
        "application/zip",
        "portfolio-zip",
        "portfolio-leila.zip",
    )
    names = zipfile.ZipFile(io.BytesIO(base64.b64decode(bundle.content_b64))).namelist()
    assert {"portfolio.html", "evidence-criteria.csv"} <= set(names)
    sam = [
        r
        for r in await Chat(engine, "sam").send_text("portfolio export leila")
        if isinstance(r, Document)
    ]
    assert [d.kind for d in sam] == ["portfolio-zip"]  # her supervisor may
    learner = seeded.org.person("leila")
    assert learner is not None
    linked = await linked_file(
        org=seeded.org, database=sqlite_db, clock=clock, person=learner, kind="portfolio-zip"
    )
    assert linked.content_type == "application/zip" and not linked.inline
    assert zipfile.ZipFile(io.BytesIO(linked.content)).namelist()
