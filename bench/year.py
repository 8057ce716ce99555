"""A generated year (BENCH_YEAR_ACTIONS actions, default 1,000,000, by BENCH_YEAR_PEOPLE
people, default 10,000): the manager's digest and the nightly nomination check, each
timed beside one plain SQL aggregate over the same rows.

- digest: `build_digest` for the manager everyone reports to (a week's figures, the
  eight-week trend, praise, decisions, stand-outs, open nominations), against
  `SELECT context, count(*) ... GROUP BY context` over the same eight weeks.
- nominations: `nominate_due` (every practice checked against the rule), against
  `SELECT practice_id, count(*), count(DISTINCT person_id) ... GROUP BY practice_id`.
- saving: actions logged end to end through the engine (the deed form, submitted) by one
  of the staff, on the same organisation's empty database and again once the year is
  stored: no request may cost more as data grows. BENCH_YEAR_SAVES of each (50).

The generated rows are bulk-inserted, so the digest's summary (storage.summary) and the
practices' counters (storage.practice_sizes) are filled afterwards the way migrations 0009
and 0014 backfill them. Alone, on SQLite: `python -m bench.year`.
"""

from __future__ import annotations

import itertools
import os
import random
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import func, insert, select, text

from bot.clock import SystemClock
from bot.context import Scene
from bot.domain.org import Organisation
from bot.domain.orgfile import load_organisation
from bot.engine import Engine
from bot.features.digest.report import WEEKS, build_digest
from bot.features.nominations.job import nominate_due
from bot.messages import ButtonClick, Form, FormSubmission, Outbound, Sender, TextMessage
from bot.queued_replies import QueueReplies
from bot.settings import EXAMPLE_ORG_FILE
from storage.database import Database, open_database
from storage.people import sync_organisation
from storage.practice_sizes import recount
from storage.summary import rebuild
from storage.tables import ActionRow, CustomerFeedbackRow, PracticeRow
from storage.uow import UnitOfWork

ROOT = Path(__file__).resolve().parent.parent
END = datetime(2026, 11, 20, 16, 0, tzinfo=UTC)  # a Friday afternoon: digest time
PRACTICES = 50
SAVES = int(os.environ.get("BENCH_YEAR_SAVES", "50"))
DEED = {
    "occurred_on": "today",
    "customer_need": "Needed help",
    "offer_item": "carry-out",
    "extra": "Carried it to the car",
    "status": "done",
    "context": "busy",
    "approach": "initiative",
    "customer_aware": "yes",
    "result": "Happy",
}
CONTEXTS = ["routine", "busy", "quiet", "let_down"]
STATUSES = ["done"] * 8 + ["approved", "declined"]


def year_org(tmp: Path, people: int) -> Path:
    """One manager, a supervisor for every hundred staff, the staff."""
    data: dict[str, Any] = yaml.safe_load(EXAMPLE_ORG_FILE.read_text(encoding="utf-8"))
    manager = next(p for p in data["people"] if p["role"] == "manager")
    crowd = [manager]
    supervisors = max(people // 100, 1)
    for s in range(supervisors):
        crowd.append(
            {"id": f"sup{s:03d}", "name": f"Supervisor {s}", "role": "supervisor",
             "supervisor": manager["id"], "slack": f"U1S{s:05d}"}
        )  # fmt: skip
    for n in range(people - supervisors - 1):
        crowd.append(
            {"id": f"p{n:05d}", "name": f"Person {n}", "role": "staff",
             "supervisor": f"sup{n % supervisors:03d}", "slack": f"U2P{n:06d}"}
        )  # fmt: skip
    data["people"] = crowd
    path = tmp / "year.yml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


async def generate(database: Database, org: Organisation, actions: int) -> None:
    chance = random.Random(2026)
    staff = [p.id for p in org.people if p.role.value == "staff"]
    offer = [i.id for i in org.service_offer]
    async with UnitOfWork(database) as uow:
        await sync_organisation(uow, org)
        for n in range(PRACTICES):
            uow.session.add(PracticeRow(title=f"Practice {n}", created_by=staff[0], created_at=END))
        await uow.commit()
        # After any actions already logged (the empty-database save rate's).
        found = await uow.session.execute(text("SELECT max(id) FROM extra_mile_action"))
        base = int(found.scalar() or 0)
    first = END - timedelta(days=365)
    chunk = 20_000
    async with database.engine.begin() as connection:
        for start in range(0, actions, chunk):
            rows = []
            for n in range(start, min(start + chunk, actions)):
                # In the order they happen, as a real year arrives (the table's layout
                # on disk follows): about one every 30 s, with a little jitter.
                at = first + timedelta(seconds=(n + chance.random()) * 365 * 86400 / actions)
                rows.append(
                    {
                        "id": base + n + 1,
                        "person_id": chance.choice(staff),
                        "occurred_on": at.date(),
                        "customer_need": "Needed a hand",
                        "offer_item_id": chance.choice(offer),
                        "extra": f"Went further, case {n}",
                        "status": chance.choice(STATUSES),
                        "context": chance.choice(CONTEXTS),
                        "approach": "initiative",
                        "customer_aware": chance.random() < 0.6,
                        "result": "",
                        "practice_id": chance.randrange(1, PRACTICES + 1)
                        if chance.random() < 0.3
                        else None,
                        "follow_up_asked": 0,
                        "created_at": at,
                        "updated_at": at,
                    }
                )
            await connection.execute(insert(ActionRow), rows)
            praise = [
                {
                    "action_id": r["id"],
                    "person_id": r["person_id"],
                    "recorded_by": r["person_id"],
                    "channel": "in_person",
                    "sentiment": "positive",
                    "words": "Thank you so much",
                    "created_at": r["created_at"] + timedelta(hours=1),
                }
                for r in rows
                if chance.random() < 0.05
            ]
            await connection.execute(insert(CustomerFeedbackRow), praise)
        if database.engine.dialect.name == "postgresql":
            await connection.execute(
                text(
                    "SELECT setval('extra_mile_action_id_seq', "
                    "(SELECT max(id) FROM extra_mile_action))"
                )
            )
        await rebuild(connection)  # the digest's summary, as migration 0009 backfills it
        await recount(connection)  # the practices' counters, as migration 0014 backfills them
        await connection.execute(text("ANALYZE"))


def _key() -> str:
    return f"b:{uuid.uuid4().hex}"


def _deeds() -> Iterator[str]:
    """Deeds as staff write them (tests/data/practices.yml), each with a number, so no
    two are the same: a repeated sentence would be ranked from the embedding's cache,
    and a person's deeds are rarely word for word."""
    data = yaml.safe_load((ROOT / "tests" / "data" / "practices.yml").read_text("utf-8"))
    written = [item for group in data["groups"] for item in group["items"]]
    for n in itertools.count(1):
        yield f"{written[n % len(written)]}, {n}"


DEEDS = _deeds()


async def log_one(engine: Engine, sender: Sender, queue: QueueReplies | None = None) -> None:
    """One deed logged as a person would: `log`, the form submitted (with whatever the
    form asks, from DEED, and a deed of its own), and Save if the flow still asks for it.
    With `queue`, the answers go to the outbox, as Slack's do."""
    replies: list[Outbound] = await engine.handle(TextMessage(sender, "log", _key()), queue=queue)
    form = next(r for r in replies if isinstance(r, Form))
    deed = {**DEED, "extra": next(DEEDS)}
    values = {f.name: deed.get(f.name, f.value) for f in form.fields}
    submitted = FormSubmission(sender, form.form_id, values, _key())
    replies = await engine.handle(submitted, queue=queue)
    if "log.save" in str(replies):
        await engine.handle(ButtonClick(sender, "log.save", "", _key()), queue=queue)


@dataclass(frozen=True)
class Rates:
    answered: float  # deeds saved and answered a second
    asked: float  # the same, until each one's practice question was ready too


async def logging_rates(engine: Engine, sender: Sender, count: int) -> Rates:
    """`count` deeds logged one after another with their answers queued, as Slack's are:
    the rate they were answered at, and the rate until each one's practice question
    (worked out after the answer, meanwhile, in the same process) was queued too."""
    queue = QueueReplies(forms=False)
    await log_one(engine, sender, queue)  # warm: first-use imports, caches
    await engine.settled()
    started = time.perf_counter()
    for _ in range(count):
        await log_one(engine, sender, queue)
    answered = count / (time.perf_counter() - started)
    await engine.settled()
    return Rates(answered, count / (time.perf_counter() - started))


async def save_rate(database: Database, org: Organisation, count: int = SAVES) -> Rates:
    """Actions logged end to end per second, by one of the staff."""
    engine = Engine(org=org, database=database, clock=SystemClock())
    person = next(p for p in org.people if p.role.value == "staff")
    return await logging_rates(engine, Sender("console", person.id), count)


async def _timed(work: Callable[[], Awaitable[object]], runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        await work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


async def measure(
    database: Database, org: Organisation, label: str, figures: dict[str, float]
) -> list[str]:
    manager = next(p for p in org.people if p.role.value == "manager")
    span_start = END - timedelta(days=7 * WEEKS)

    async def digest() -> None:
        async with UnitOfWork(database) as uow:
            scene = Scene(org=org, uow=uow, now=END, today=END.date())
            result = await build_digest(scene, manager, END)
            assert result.total > 0

    async def digest_sql() -> None:
        # SELECT context, count(*) FROM extra_mile_action
        # WHERE created_at >= :start AND created_at < :end GROUP BY context
        table = ActionRow.__table__.c  # type: ignore[attr-defined]
        async with database.engine.connect() as connection:
            await connection.execute(
                select(table.context, func.count())
                .where(table.created_at >= span_start, table.created_at < END)
                .group_by(table.context)
            )

    async def first_night() -> None:
        # Every practice is new to the rule: each nomination is saved and its card,
        # with the evidence, queued for the manager. Committed, once.
        async with UnitOfWork(database) as uow:
            await nominate_due(Scene(org=org, uow=uow, now=END, today=END.date()))
            await uow.commit()

    async def nominations() -> None:
        # A night like most: the rule re-checked for every practice, open nominations'
        # figures kept current, nothing new to tell (not committed: each run the same).
        async with UnitOfWork(database) as uow:
            await nominate_due(Scene(org=org, uow=uow, now=END, today=END.date()))

    async def nominations_sql() -> None:
        async with database.engine.connect() as connection:
            await connection.execute(
                text(
                    "SELECT practice_id, count(*), count(DISTINCT person_id) "
                    "FROM extra_mile_action WHERE practice_id IS NOT NULL GROUP BY practice_id"
                )
            )

    first = await _timed(first_night, runs=1)
    rows = [f"{'nominations, first night, ' + label:<34} {first * 1000:9.0f} ms  (all new)"]
    for name, ours, plain in (
        ("digest", digest, digest_sql),
        ("nominations", nominations, nominations_sql),
    ):
        ours_s = await _timed(ours)
        plain_s = await _timed(plain)
        figures |= {name: ours_s, f"{name}_sql": plain_s}
        rows.append(
            f"{name + ', ' + label:<34} {ours_s * 1000:9.0f} ms  plain SQL {plain_s * 1000:7.0f} ms"
            f"  ratio {ours_s / plain_s:5.2f}"
        )
    return rows


async def year_of_data(
    tmp: Path, url: str, label: str, actions: int, people: int, figures: dict[str, float]
) -> list[str]:
    """The rows to print; `figures` gets digest, digest_sql, saves_empty and saves_full."""
    org = load_organisation(year_org(tmp, people))
    database = open_database(url)
    try:
        await database.upgrade()
        async with UnitOfWork(database) as uow:
            await sync_organisation(uow, org)
            await uow.commit()
        empty = await save_rate(database, org)
        started = time.perf_counter()
        await generate(database, org, actions)
        made = time.perf_counter() - started
        rows = await measure(database, org, label, figures)
        full = await save_rate(database, org)
        figures |= {"saves_empty": empty.answered, "saves_full": full.answered}
        return [
            f"({label}: {actions:,} actions, {people:,} people generated in {made:.0f} s)",
            *rows,
            f"{'actions logged, empty, ' + label:<34} {empty.answered:9.1f} /s"
            f"  ({empty.asked:.1f}/s with their practice questions)",
            f"{'actions logged, year stored, ' + label:<34} {full.answered:9.1f} /s"
            f"  ({full.asked:.1f}/s with their practice questions)"
            f"  ratio {full.answered / empty.answered:5.2f}  ({SAVES} each, through the engine)",
        ]
    finally:
        await database.close()


async def _main() -> None:
    """`python -m bench.year`: the year on SQLite alone (BENCH_YEAR_ACTIONS,
    BENCH_YEAR_PEOPLE, BENCH_YEAR_SAVES)."""
    import tempfile

    actions = int(os.environ.get("BENCH_YEAR_ACTIONS", "1000000"))
    people = int(os.environ.get("BENCH_YEAR_PEOPLE", "10000"))
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        url = f"sqlite:///{tmp / 'year.db'}"
        for line in await year_of_data(tmp, url, "SQLite", actions, people, {}):
            print(" ", line)


if __name__ == "__main__":
    import asyncio

    asyncio.run(_main())
