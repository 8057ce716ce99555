"""Pictures and files in queued messages: stored once however many outbox rows carry them,
referenced by id, put back to send, and erased with the person they are about."""

from __future__ import annotations

import base64
import json

import pytest
from sqlmodel import select

from bot.delivery.codec import dump_outbound, load_outbound
from bot.delivery.messenger import Undeliverable
from bot.delivery.notifier import Notifier
from bot.messages import Card, CardUpdate, Document, Outbound, Replies, Text
from bot.reports.attachments import inlined
from bot.reports.chart import trend_png
from storage.database import Database
from storage.outbox import enqueue
from storage.privacy import erase_person, export_person
from storage.tables import BlobRow, OutboxRow
from storage.uow import UnitOfWork
from tests.conftest import NOW

PNG = trend_png(["01 Nov", "08 Nov"], [3, 4], "Extra-mile actions per week")
PDF = b"%PDF-1.4 a portfolio"


def _chart() -> Card:
    return Card(
        title="Your week",
        image_png_b64=base64.b64encode(PNG).decode(),
        image_alt="Actions per week: 3 · 4",
    )


def _portfolio() -> Document:
    return Document(
        filename="portfolio-asha.pdf",
        title="Evidence portfolio: Asha Patel",
        content_b64=base64.b64encode(PDF).decode(),
        person_id="asha",
    )


async def _rows(database: Database) -> list[OutboxRow]:
    async with UnitOfWork(database) as uow:
        return list((await uow.session.exec(select(OutboxRow).order_by(OutboxRow.id))).all())


async def _blobs(database: Database) -> list[BlobRow]:
    async with UnitOfWork(database) as uow:
        return list((await uow.session.exec(select(BlobRow).order_by(BlobRow.id))).all())


async def _sent(database: Database, row: OutboxRow) -> Outbound:
    """What the dispatcher hands a messenger for this row."""
    async with UnitOfWork(database) as uow:
        return await inlined(uow, load_outbound(row.payload))


async def test_a_chart_is_stored_once_however_many_rows_carry_it(database: Database) -> None:
    async with UnitOfWork(database) as uow:
        notify = Notifier(uow, NOW)
        for manager in ("maria", "sam", "priya"):
            assert await notify.person(manager, _chart(), "digest", manager)
        assert await notify.person("maria", CardUpdate("week", _chart()), "digest", "again")
        assert await notify.person("sam", Replies((Text("Here:"), _chart())), "reply", 1)
        await uow.commit()
    # A later transaction (next week's run, the same figures) finds the same bytes too.
    async with UnitOfWork(database) as uow:
        assert await Notifier(uow, NOW).person("priya", _chart(), "digest", "next")
        await uow.commit()

    [blob] = await _blobs(database)
    assert (blob.data, blob.mime, blob.owner_id) == (PNG, "image/png", "")
    rows = await _rows(database)
    assert len(rows) == 6
    for row in rows:
        payload = json.dumps(row.payload)
        assert f'"image_id": {blob.id}' in payload
        assert "iVBORw0KGgo" not in payload  # no base64 PNG in the row
    # Sent, each carries the picture again, as it was made.
    for row in rows:
        message = await _sent(database, row)
        [card] = [
            m.card if isinstance(m, CardUpdate) else m
            for m in (message.items if isinstance(message, Replies) else (message,))
            if isinstance(m, Card | CardUpdate)
        ]
        assert base64.b64decode(card.image_png_b64) == PNG


async def test_a_document_is_stored_once_and_erased_with_its_person(database: Database) -> None:
    async with UnitOfWork(database) as uow:
        notify = Notifier(uow, NOW)
        # The learner's own copy, and their supervisor's.
        assert await notify.person("asha", Replies((Text("Here it is"), _portfolio())), "a")
        assert await notify.person("sam", Replies((_portfolio(),)), "b")
        await uow.commit()
    [blob] = await _blobs(database)
    assert (blob.data, blob.mime, blob.owner_id) == (PDF, "application/pdf", "asha")
    rows = await _rows(database)
    assert all(base64.b64encode(PDF).decode() not in json.dumps(r.payload) for r in rows)
    sent = await _sent(database, rows[1])
    assert isinstance(sent, Replies) and isinstance(sent.items[0], Document)
    assert base64.b64decode(sent.items[0].content_b64) == PDF

    async with UnitOfWork(database) as uow:
        [listed] = (await export_person(uow, "asha"))["files_about_them"]
        assert listed["id"] == blob.id and listed["bytes"] == len(PDF)
        await erase_person(uow, "asha", ["Asha Patel"])
        await uow.commit()
    assert await _blobs(database) == []
    # Sam's copy still waits, but its file is gone: it cannot be sent.
    [sams] = await _rows(database)
    with pytest.raises(Undeliverable):
        await _sent(database, sams)


async def test_rows_queued_before_blobs_send_as_they_are(database: Database) -> None:
    """A row written with the bytes inline (before this change) loads and sends unchanged."""
    card = _chart()
    old = dump_outbound(card)
    assert old["body"]["image_png_b64"] == card.image_png_b64  # type: ignore[index]
    async with UnitOfWork(database) as uow:
        await enqueue(uow, person_id="maria", payload=old, now=NOW)
        await uow.commit()
    [row] = await _rows(database)
    assert await _sent(database, row) == card
    assert await _blobs(database) == []
