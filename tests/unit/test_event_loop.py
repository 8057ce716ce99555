"""`serve`'s event loop (app.server.event_loop): uvloop by default, asyncio's own on request."""

from __future__ import annotations

import asyncio

import pytest
import uvloop

from app.server import event_loop
from bot.settings import EXAMPLE_ORG_FILE, Settings


def test_serve_runs_on_uvloop_unless_asked_for_asyncios_own_loop(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    default = event_loop(Settings(org_file=EXAMPLE_ORG_FILE).event_loop)
    assert isinstance(default, uvloop.Loop)
    default.close()
    monkeypatch.setenv("EXTRAMILE_EVENT_LOOP", "asyncio")
    own = event_loop(Settings(org_file=EXAMPLE_ORG_FILE).event_loop)
    assert not isinstance(own, uvloop.Loop)
    assert isinstance(own, asyncio.AbstractEventLoop)
    own.close()
