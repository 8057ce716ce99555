"""Storage contract: the same tests on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel, select

from bot.domain.actions import UNSAID_OFFER, ActionStatus, Approach, CheckedAction, Context
from bot.domain.org import Organisation
from bot.domain.records import ConversationState
from storage.action_details import DetailChange, deed_details, set_details
from storage.actions import add_action, count_actions, recent_actions
from storage.conversations import clear_state, load_state, save_state
from storage.database import Database, alembic_config, utc_now
from storage.events import audit, claim_event
from storage.people import sync_organisation
from storage.summary import ActionDayRow
from storage.tables import AuditLogRow, PersonRow, PlatformIdentityRow, ScheduledRunRow
from storage.uow import UnitOfWork

ACTION = CheckedAction(
    occurred_on=date(2026, 11, 20),
    customer_need='Needed a 55" TV carried to the car 📺',
    offer_item_id="carry-out",
    extra="Carried it and strapped it in — شكرا",
    status=ActionStatus.DONE,
    context=Context.BUSY,
    approach=Approach.INITIATIVE,
    customer_aware=True,
    result="Delighted",
)


async def _synced(database: Database, org: Organisation) -> None:
    async with UnitOfWork(database) as uow:
        await sync_organisation(uow, org)
        await uow.commit()


async def test_migrations_match_the_models(database: Database) -> None:
    def diff(connection: object) -> list[object]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})  # type: ignore[arg-type]
        return [
            d
            for d in compare_metadata(context, SQLModel.metadata)
            if not (
                isinstance(d, tuple) and d[0] == "remove_table" and d[1].name == "alembic_version"
            )
        ]

    async with database.engine.connect() as connection:
        differences = await connection.run_sync(diff)
    assert differences == []


async def test_upgrade_twice_is_harmless(database: Database) -> None:
    await database.upgrade()
    async with database.engine.connect() as connection:
        version = (
            await connection.execute(text("SELECT version_num FROM alembic_version"))
        ).scalar()
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert version == head and head is not None


async def test_sync_organisation_keeps_leavers_as_inactive(
    database: Database, org: Organisation
) -> None:
    await _synced(database, org)
    smaller = org.model_copy(update={"people": [p for p in org.people if p.id != "ben"]})
    await _synced(database, smaller)
    async with UnitOfWork(database) as uow:
        ben = await uow.session.get(PersonRow, "ben")
        asha_ids = (
            await uow.session.exec(
                select(PlatformIdentityRow).where(PlatformIdentityRow.person_id == "asha")
            )
        ).all()
    assert ben is not None and ben.active is False
    assert {i.platform for i in asha_ids} == {"slack", "teams"}


async def test_actions_are_saved_and_listed_newest_first(
    database: Database, org: Organisation
) -> None:
    await _synced(database, org)
    async with UnitOfWork(database) as uow:
        first = await add_action(uow, "asha", ACTION)
        second = await add_action(uow, "asha", replace(ACTION, extra="second"))
        await uow.commit()
    async with UnitOfWork(database) as uow:
        listed = await recent_actions(uow, "asha")
        total = await count_actions(uow, "asha")
    assert [a.id for a in listed] == [second.id, first.id]
    assert total == 2
    assert listed[1].customer_need == ACTION.customer_need
    assert listed[1].extra == ACTION.extra
    assert listed[1].created_at.tzinfo is not None


# A deed saved with its details left unsaid (issue 16): they are added one tap at a time.
UNSAID = replace(
    ACTION,
    customer_need="",
    offer_item_id=UNSAID_OFFER,
    context=Context.UNSAID,
    approach=Approach.UNSAID,
    customer_aware=None,
    result="",
)


async def test_details_added_after_saving_change_only_what_is_given(
    database: Database, org: Organisation
) -> None:
    await _synced(database, org)
    async with UnitOfWork(database) as uow:
        saved = await add_action(uow, "asha", UNSAID)
        await uow.commit()
    async with UnitOfWork(database) as uow:
        deed = await deed_details(uow, saved.id)
    assert deed is not None and deed.person_id == "asha"
    assert (deed.context, deed.approach, deed.customer_aware, deed.offer_item_id) == (
        Context.UNSAID,
        Approach.UNSAID,
        None,
        UNSAID_OFFER,
    )
    async with UnitOfWork(database) as uow:
        await set_details(uow, saved.id, DetailChange(context=Context.BUSY))
        await set_details(uow, saved.id, DetailChange(customer_aware=False))
        await set_details(uow, saved.id, DetailChange())  # nothing given: nothing changes
        await uow.commit()
    async with UnitOfWork(database) as uow:
        deed = await deed_details(uow, saved.id)
        await set_details(
            uow, saved.id, DetailChange(offer_item_id="carry-out", customer_need="A TV 📺")
        )
        await uow.commit()
    assert deed is not None and (deed.context, deed.customer_aware) == (Context.BUSY, False)
    assert deed.approach is Approach.UNSAID and deed.extra == ACTION.extra
    async with UnitOfWork(database) as uow:
        [listed] = await recent_actions(uow, "asha")
        assert await deed_details(uow, 999_999) is None
    assert (listed.offer_item_id, listed.customer_need) == ("carry-out", "A TV 📺")
    assert listed.context is Context.BUSY and listed.customer_aware is False
    assert listed.result == ""


async def test_a_situation_added_after_saving_moves_the_digest_count(
    database: Database, org: Organisation
) -> None:
    """The digest counts actions by situation in a summary kept with the actions: a
    situation tapped after saving must move the deed out of "not given"."""
    await _synced(database, org)
    async with UnitOfWork(database) as uow:
        saved = await add_action(uow, "asha", UNSAID)
        await add_action(uow, "tom", ACTION)  # busy from the start
        await uow.commit()
    async with UnitOfWork(database) as uow:
        await set_details(uow, saved.id, DetailChange(context=Context.BUSY))
        await uow.commit()
    async with UnitOfWork(database) as uow:
        rows = (await uow.session.exec(select(ActionDayRow))).all()
    by_context: dict[str, int] = {}
    for row in rows:
        by_context[row.context] = by_context.get(row.context, 0) + row.actions
    assert {c: n for c, n in by_context.items() if n} == {"busy": 2}


async def test_unit_of_work_rolls_back_without_commit(
    database: Database, org: Organisation
) -> None:
    await _synced(database, org)
    with pytest.raises(RuntimeError):
        async with UnitOfWork(database) as uow:
            await add_action(uow, "asha", ACTION)
            raise RuntimeError("boom")
    async with UnitOfWork(database) as uow:
        await add_action(uow, "tom", ACTION)  # never committed
    async with UnitOfWork(database) as uow:
        assert await count_actions(uow, "asha") == 0
        assert await count_actions(uow, "tom") == 0


async def test_conversation_state_round_trip(database: Database, org: Organisation) -> None:
    await _synced(database, org)
    state = ConversationState(
        "log", "ask:context", {"extra": "rang the depot 🚌", "status": "done"}
    )
    async with UnitOfWork(database) as uow:
        await save_state(uow, "asha", state)
        await uow.commit()
    async with UnitOfWork(database) as uow:
        assert await load_state(uow, "asha") == state
        await clear_state(uow, "asha")
        await uow.commit()
    async with UnitOfWork(database) as uow:
        assert await load_state(uow, "asha") is None


async def test_an_event_key_counts_once(database: Database) -> None:
    async with UnitOfWork(database) as uow:
        assert await claim_event(uow, "slack:Ev123") is True
        assert await claim_event(uow, "slack:Ev123") is False
        await uow.commit()
    async with UnitOfWork(database) as uow:
        assert await claim_event(uow, "slack:Ev123") is False


async def test_an_event_key_of_a_rolled_back_turn_is_not_kept(database: Database) -> None:
    async with UnitOfWork(database) as uow:
        assert await claim_event(uow, "teams:abc") is True
    async with UnitOfWork(database) as uow:
        assert await claim_event(uow, "teams:abc") is True


async def test_concurrent_claims_of_one_key_let_exactly_one_through(database: Database) -> None:
    async def claim() -> bool:
        async with UnitOfWork(database) as uow:
            won = await claim_event(uow, "slack:race")
            try:
                await uow.commit()
            except IntegrityError:
                return False
            return won

    results = await asyncio.gather(*(claim() for _ in range(5)), return_exceptions=True)
    assert [r for r in results if r is True] == [True], results


async def test_a_scheduled_run_is_unique_per_job_period_and_recipient(database: Database) -> None:
    async with UnitOfWork(database) as uow:
        uow.session.add(
            ScheduledRunRow(
                job="weekly-prompt", period="2026-W47", recipient="asha", created_at=utc_now()
            )
        )
        await uow.commit()
    with pytest.raises(IntegrityError):
        async with UnitOfWork(database) as uow:
            uow.session.add(
                ScheduledRunRow(
                    job="weekly-prompt", period="2026-W47", recipient="asha", created_at=utc_now()
                )
            )
            await uow.commit()


async def test_audit_log_keeps_detail(database: Database) -> None:
    async with UnitOfWork(database) as uow:
        await audit(
            uow,
            actor_id="sam",
            action="request.approved",
            subject_type="request",
            subject_id="7",
            detail={"reason": "fine 👍"},
        )
        await uow.commit()
    async with UnitOfWork(database) as uow:
        row = (await uow.session.exec(select(AuditLogRow))).one()
    assert row.detail == {"reason": "fine 👍"} and row.at.tzinfo is not None


async def test_sqlite_runs_in_wal_mode(sqlite_db: Database) -> None:
    async with sqlite_db.engine.connect() as connection:
        mode = (await connection.execute(text("PRAGMA journal_mode"))).scalar()
    assert mode == "wal"


async def test_reachable_reports_a_dead_database() -> None:
    from storage.database import open_database

    dead = open_database("postgresql://nobody@127.0.0.1:1/none")
    assert await dead.reachable() is False
    await dead.close()


def test_each_migration_is_named_after_its_revision_and_the_newest_is_head() -> None:
    """`Database.upgrade` skips Alembic when the stored revision is the newest file's name
    (so Alembic is not loaded at start): that rests on this naming."""
    from alembic.script import ScriptDirectory

    from storage.database import newest_revision

    scripts = ScriptDirectory.from_config(alembic_config())
    for script in scripts.walk_revisions():
        assert script.path is not None
        assert Path(script.path).name.split("_", 1)[0] == script.revision
    assert newest_revision() == scripts.get_current_head()


def test_a_database_at_the_newest_revision_starts_without_loading_alembic(tmp_path: Path) -> None:
    """Alembic (about 10 MB) is loaded only when a migration is due (issue 18's memory)."""
    import subprocess
    import sys

    script = (
        "import asyncio, sys\n"
        "from storage.database import open_database\n"
        "async def main():\n"
        f"    db = open_database('sqlite+aiosqlite:///{tmp_path}/x.db')\n"
        "    await db.upgrade()\n"
        "    await db.close()\n"
        "asyncio.run(main())\n"
        "print(any(m == 'alembic' or m.startswith('alembic.') for m in sys.modules))\n"
    )
    runs = [
        subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
        for _ in range(2)
    ]
    assert [run.stdout.strip() for run in runs] == ["True", "False"]  # migrated, then not
