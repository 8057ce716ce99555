"""Charts and PDFs asked for in chat are drawn after the turn has committed: while they
are drawn, no transaction holds the database (SQLite's write lock is free)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from pytest_mock import MockerFixture

from bot.engine import Engine
from bot.messages import Card, Document
from tests.fakes.chat import Chat


def _write_lock_is_free(engine: Engine) -> bool:
    """Try to take SQLite's write lock at once, from a connection of our own."""
    path = engine.database.engine.url.database
    assert path is not None
    probe = sqlite3.connect(Path(path), timeout=0, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")
        probe.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:  # "database is locked": a turn still holds it
        return False
    finally:
        probe.close()


@pytest.fixture
def seen(engine: Engine, mocker: MockerFixture) -> list[bool]:
    """Wrap the drawing (in the drawing process) with a look at the database."""
    from bot.reports import attachments

    draw = attachments.draw
    seen: list[bool] = []

    async def watching(render, *args):  # type: ignore[no-untyped-def]
        seen.append(_write_lock_is_free(engine))
        return await draw(render, *args)

    for module in ("bot.reports.portfolio_render", "bot.features.digest.report"):
        mocker.patch(f"{module}.draw", side_effect=watching)
    return seen


async def test_a_portfolio_is_drawn_after_the_turn_commits(
    engine: Engine, seen: list[bool]
) -> None:
    replies = await Chat(engine, "asha").send_text("portfolio")
    assert isinstance(replies[-1], Document)
    assert replies[-1].content_b64
    assert seen == [True]


async def test_the_digest_chart_is_drawn_after_the_turn_commits(
    engine: Engine, seen: list[bool]
) -> None:
    replies = await Chat(engine, "maria").send_text("digest")
    [card] = [r for r in replies if isinstance(r, Card)]
    assert card.image_png_b64
    assert seen == [True]
