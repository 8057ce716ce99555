"""Typed keys for what the aiohttp application holds."""

from __future__ import annotations

import asyncio

from aiohttp import web

from adapters.links import LinkSigner
from bot.delivery import Messenger
from bot.runtime import Runtime
from bot.settings import Settings

RUNTIME = web.AppKey("runtime", Runtime)
SETTINGS = web.AppKey("settings", Settings)
# Which platforms this server answers for; each adapter's start-up sets its own entry.
MOUNTED: web.AppKey[dict[str, bool]] = web.AppKey("mounted", dict)
MESSENGERS: web.AppKey[dict[str, Messenger]] = web.AppKey("messengers", dict)
LINKS = web.AppKey("links", LinkSigner)
# Rung when a request queues an answer in the outbox: the dispatcher sends it at once.
OUTBOX_BELL = web.AppKey("outbox_bell", asyncio.Event)
# Short facts /healthz reports (e.g. Teams in emulator mode).
NOTES: web.AppKey[dict[str, str]] = web.AppKey("notes", dict)
