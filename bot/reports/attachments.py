"""The pictures and files messages carry (a digest's chart, a portfolio PDF, a data export):
drawn off the event loop, stored once, put back when sent.

- `draw(render, *args)` runs a renderer (matplotlib, xhtml2pdf) in the drawing process,
  so the event loop keeps serving while it works. Callers gather their data first and
  hold no transaction open while they wait where they can (the digest job commits its
  reads first).
- `stored(uow, message, now)`: queued messages (bot.delivery.notifier) keep their bytes in the
  blob table once, and the outbox row only their id (bot.delivery.codec drops the inline copy).
- `inlined(uow, message)`: the dispatcher puts the bytes back just before a messenger
  sends, so the platforms' renderers see the message as it was made.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import multiprocessing
import threading
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from datetime import datetime
from typing import TypeVar

from bot.delivery.messenger import Undeliverable
from bot.domain.records import Blob
from bot.messages import Card, CardUpdate, Document, Form, Outbound, Replies, Text
from storage.blobs import load_blobs, store_blob
from storage.uow import UnitOfWork

T = TypeVar("T")
Item = Text | Card | Form | Document  # what a Replies holds
PNG = "image/png"

log = logging.getLogger(__name__)

# One process, started on the first drawing (about a second: Python, then matplotlib or
# xhtml2pdf). A thread would still share the interpreter: the full garbage collections
# matplotlib's allocations set off there stop the loop for 100 ms and more, and
# matplotlib's and reportlab's module state is not safe to share between threads. One
# drawing at a time leaves the other core to the requests. "spawn", not fork: the server
# has threads (the database driver's) whose locks a forked child would inherit held.
_drawing: Executor | None = None
_lock = threading.Lock()


def _executor() -> Executor:
    global _drawing
    with _lock:
        if _drawing is None:
            _drawing = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
        return _drawing


def _forget(broken: Executor) -> None:
    global _drawing
    with _lock:
        if _drawing is broken:
            _drawing = None
    broken.shutdown(wait=False)


async def draw(render: Callable[..., T], *args: object) -> T:
    """`render(*args)` in the drawing process, off the event loop. `render` and its
    arguments travel by pickle: a module-level function, plain data.

    Like any spawned process, it first imports the program's main module: a script that
    draws needs the `if __name__ == "__main__":` guard (`extramile`, pytest and the bench
    have it)."""
    loop = asyncio.get_running_loop()
    executor = _executor()
    try:
        return await loop.run_in_executor(executor, render, *args)
    except BrokenProcessPool:  # the drawing process died (killed, out of memory): once more
        log.warning("the drawing process died; starting another")
        _forget(executor)
        return await loop.run_in_executor(_executor(), render, *args)


# --- queueing: the bytes go to the blob table, the row keeps the id -----------------------------


async def stored(uow: UnitOfWork, message: Outbound, now: datetime) -> Outbound:
    """The message, with the bytes it carries stored once and referenced by id."""
    if isinstance(message, Replies):
        return Replies(tuple([await _stored(uow, item, now) for item in message.items]))
    if isinstance(message, CardUpdate):
        return replace(message, card=await _stored_card(uow, message.card, now))
    if isinstance(message, Card | Document):
        return await _stored(uow, message, now)
    return message


async def _stored(uow: UnitOfWork, item: Item, now: datetime) -> Item:
    if isinstance(item, Card):
        return await _stored_card(uow, item, now)
    if isinstance(item, Document) and item.content_b64 and item.blob_id is None:
        content = base64.b64decode(item.content_b64)
        # Owned by whose portfolio or data it is: erased with them (storage.privacy).
        blob_id = await store_blob(uow, content, mime=item.mime, now=now, owner_id=item.person_id)
        return replace(item, blob_id=blob_id)
    return item


async def _stored_card(uow: UnitOfWork, card: Card, now: datetime) -> Card:
    if not card.image_png_b64 or card.image_id is not None:
        return card
    image = base64.b64decode(card.image_png_b64)
    return replace(card, image_id=await store_blob(uow, image, mime=PNG, now=now))


# --- sending: the bytes come back -----------------------------------------------------------------


def blobs_wanted(message: Outbound) -> set[int]:
    """The blobs whose bytes the message references but does not carry (none: nothing
    to read back, and no transaction needed to send it)."""
    items: tuple[Outbound, ...] = (
        message.items
        if isinstance(message, Replies)
        else (message.card,)
        if isinstance(message, CardUpdate)
        else (message,)
    )
    return {i for item in items if (i := _wanted(item)) is not None}


async def inlined(uow: UnitOfWork, message: Outbound) -> Outbound:
    """The message with the bytes of every blob it references put back (the messengers read
    `image_png_b64` and `content_b64`). A document whose blob was erased cannot be sent."""
    wanted = blobs_wanted(message)
    if not wanted:
        return message
    blobs = await load_blobs(uow, wanted)
    if isinstance(message, Replies):
        return Replies(tuple(_back(item, blobs) for item in message.items))
    if isinstance(message, CardUpdate):
        return replace(message, card=_card_back(message.card, blobs))
    if isinstance(message, Card | Document):
        return _back(message, blobs)
    return message


def _wanted(item: Outbound) -> int | None:
    """The blob an item needs read back, if its bytes are not with it."""
    if isinstance(item, Card) and not item.image_png_b64:
        return item.image_id
    if isinstance(item, Document) and not item.content_b64:
        return item.blob_id
    return None


def _back(item: Item, blobs: dict[int, Blob]) -> Item:
    if isinstance(item, Card):
        return _card_back(item, blobs)
    if isinstance(item, Document) and (blob_id := _wanted(item)) is not None:
        if blob_id not in blobs:
            raise Undeliverable(f"the file it carries ({item.filename}) has been erased")
        return replace(item, content_b64=_b64(blobs[blob_id]))
    return item


def _card_back(card: Card, blobs: dict[int, Blob]) -> Card:
    blob_id = _wanted(card)
    if blob_id is None or blob_id not in blobs:
        return card  # no picture, or one gone: the card still says it in words (image_alt)
    return replace(card, image_png_b64=_b64(blobs[blob_id]))


def _b64(blob: Blob) -> str:
    return base64.b64encode(blob.data).decode()
