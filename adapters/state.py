"""Typed keys for what the aiohttp application holds."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from aiohttp import web

from adapters.links import LinkSigner
from bot.delivery.messenger import Messenger
from bot.settings import Settings

if TYPE_CHECKING:  # app/ builds the runtime and imports adapters/, never the reverse
    from app.runtime import Runtime

RUNTIME: web.AppKey[Runtime] = web.AppKey("runtime")
SETTINGS = web.AppKey("settings", Settings)
# Which platforms this server answers for; each adapter's start-up sets its own entry.
MOUNTED: web.AppKey[dict[str, bool]] = web.AppKey("mounted", dict)
MESSENGERS: web.AppKey[dict[str, Messenger]] = web.AppKey("messengers", dict)
LINKS = web.AppKey("links", LinkSigner)
# Rung when a request queues an answer in the outbox: the dispatcher sends it at once.
OUTBOX_BELL = web.AppKey("outbox_bell", asyncio.Event)
# Short facts /healthz reports (e.g. Teams in emulator mode).
NOTES: web.AppKey[dict[str, str]] = web.AppKey("notes", dict)
