"""Evidence statements (issue 19): a learner's words stored redacted, read back by person
and by action, the latest answer per question; on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.domain.org import Organisation
from bot.domain.statements import StatementKind, latest
from storage.database import Database
from storage.evidence import (
    add_statement,
    forget_statements_of,
    kinds_given,
    statements_of,
    statements_on,
)
from storage.people import sync_organisation
from storage.privacy import erase_person, export_person
from storage.uow import UnitOfWork
from tests.fakes.stored import stored_deed

NOW = datetime.fromisoformat("2026-11-20T12:00:00+00:00")


async def test_statements_are_stored_redacted_and_read_back(
    database: Database, org: Organisation
) -> None:
    async with UnitOfWork(database) as uow:
        await sync_organisation(uow, org)
        action_id = await stored_deed(uow, "Lent an umbrella")
        first = await add_statement(
            uow,
            "asha",
            StatementKind.EXPECTATION,
            "Mrs Brown at 12 Acacia Avenue, 07700 900123, expected a dry walk to the car",
            action_id=action_id,
            at=NOW,
        )
        await add_statement(
            uow,
            "asha",
            StatementKind.KNOWLEDGE,
            "From the website",
            criterion="K2",
            question="How do customers find out what to expect from us?",
            at=NOW,
        )
        await add_statement(
            uow,
            "asha",
            StatementKind.EXPECTATION,
            "A dry walk",
            action_id=action_id,
            at=NOW + timedelta(minutes=1),
        )
        await uow.commit()
    assert "Brown" not in first.answer and "Acacia" not in first.answer
    assert "07700" not in first.answer and "[phone]" in first.answer
    assert first.question == "What did the customer expect, and why?"
    async with UnitOfWork(database) as uow:
        mine = await statements_of(uow, "asha")
        on = await statements_on(uow, [action_id])
        kinds = await kinds_given(uow, action_id)
        assert await statements_of(uow, "ben") == []
    assert [s.kind for s in mine] == [
        StatementKind.EXPECTATION,
        StatementKind.KNOWLEDGE,
        StatementKind.EXPECTATION,
    ]
    assert mine[1].criterion == "K2" and mine[1].action_id is None
    assert mine[0].answer == first.answer and mine[0].created_at == NOW
    assert len(on[action_id]) == 2 and kinds == {StatementKind.EXPECTATION}
    assert latest(mine)[(action_id, StatementKind.EXPECTATION, "")].answer == "A dry walk"


async def test_a_blank_answer_is_refused_and_erasure_removes_them(
    database: Database, org: Organisation
) -> None:
    async with UnitOfWork(database) as uow:
        await sync_organisation(uow, org)
        with pytest.raises(ValueError):
            await add_statement(uow, "asha", StatementKind.RESULT, "   ")
        await add_statement(uow, "asha", StatementKind.RESULT, "She was pleased")
        assert await forget_statements_of(uow, "asha") == 1
        assert await statements_of(uow, "asha") == []


async def test_subject_access_shows_them_and_erasure_removes_them(
    database: Database, org: Organisation
) -> None:
    async with UnitOfWork(database) as uow:
        await sync_organisation(uow, org)
        action_id = await stored_deed(uow, "Lent an umbrella")
        await add_statement(uow, "asha", StatementKind.RESULT, "Dry", action_id=action_id)
        await add_statement(uow, "asha", StatementKind.KNOWLEDGE, "Adverts", criterion="K2")
        await add_statement(uow, "ben", StatementKind.KNOWLEDGE, "Signs", criterion="K2")
        await uow.commit()
    async with UnitOfWork(database) as uow:
        exported = await export_person(uow, "asha")
        assert [s["answer"] for s in exported["evidence_statements"]] == ["Dry", "Adverts"]
        await erase_person(uow, "asha", ["Asha Patel"])
        await uow.commit()
    async with UnitOfWork(database) as uow:
        assert await statements_of(uow, "asha") == []
        assert [s.answer for s in await statements_of(uow, "ben")] == ["Signs"]
