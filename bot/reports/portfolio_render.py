"""The portfolio drawn: HTML (fits a phone), PDF from the same HTML through xhtml2pdf (with
a contents page and page numbers), and the export zip for e-portfolio systems: the HTML, a
CSV of evidence -> criteria, and each witness statement as its own page."""

from __future__ import annotations

import csv
import io
import zipfile
from functools import cache
from typing import TYPE_CHECKING, Any

from bot.reports.attachments import draw

if TYPE_CHECKING:
    from jinja2 import Environment

CSV_HEADER = ("reference", "criterion", "evidence type", "why", "assessor's mark")


@cache
def _templates() -> Environment:
    # Imported on first use, like xhtml2pdf below: only portfolios need templates.
    from jinja2 import Environment, PackageLoader, select_autoescape

    return Environment(
        loader=PackageLoader("bot.reports", "templates"), autoescape=select_autoescape(["html"])
    )


def portfolio_html(portfolio: Any, *, pdf: bool = False) -> str:
    """The HTML (`pdf=True`: with the PDF's contents page and page-numbered footer)."""
    return _templates().get_template("portfolio.html").render(p=portfolio, pdf=pdf)


async def portfolio_pdf_of(portfolio: Any) -> bytes:
    """The portfolio as a PDF, drawn off the event loop (bot.reports.attachments.draw)."""
    return await draw(_pdf_of, portfolio)


async def portfolio_zip_of(portfolio: Any) -> bytes:
    """The export zip, drawn off the event loop."""
    return await draw(portfolio_zip, portfolio)


def _pdf_of(portfolio: Any) -> bytes:
    return portfolio_pdf(portfolio_html(portfolio, pdf=True))


def portfolio_pdf(html: str) -> bytes:
    # Imported on first use: xhtml2pdf (with reportlab) is heavy and only portfolios need it.
    from xhtml2pdf import pisa

    buffer = io.BytesIO()
    result = pisa.CreatePDF(html, dest=buffer, encoding="utf-8")
    if result.err:
        raise RuntimeError(f"PDF rendering failed with {result.err} errors")
    return buffer.getvalue()


def evidence_csv(portfolio: Any) -> str:
    """One row per (piece of evidence, criterion it supports); a gap as a row of its own."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for cell in portfolio.matrix.all():
        mark = cell.mark.mark if cell.mark else ""
        if cell.gap:
            writer.writerow(("", cell.code, "gap", cell.gap_reason, mark))
        for support in cell.supports:
            writer.writerow((support.ref, cell.code, support.type, support.why, mark))
    return out.getvalue()


def portfolio_zip(portfolio: Any) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("portfolio.html", portfolio_html(portfolio))
        archive.writestr("evidence-criteria.csv", evidence_csv(portfolio))
        page = _templates().get_template("witness.html")
        for witness in portfolio.witnesses:
            archive.writestr(f"witness-{witness.ref}.html", page.render(p=portfolio, w=witness))
    return buffer.getvalue()
