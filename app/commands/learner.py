"""`extramile demo-learner`: eight weeks of a learner's activity (examples/learner_weeks.yml)
stored in the configured database, to read a portfolio with: then `extramile portfolio
leila --out leila.pdf`."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from app.commands.common import check_org, fail, load_settings
from storage.uow import UnitOfWork


def demo_learner(
    weeks: Annotated[
        Path | None,
        typer.Option("--weeks", help="A learner's weeks (YAML); the example's if not given."),
    ] = None,
) -> None:
    """Seed a learner's eight weeks (deeds, ideas, their own words, feedback, follow-ups,
    knowledge answers) into the database, through the same checks and redaction as chat."""
    from app.demo_learner import EXAMPLE, load_learner_weeks, read_weeks
    from app.runtime import start_runtime
    from storage.actions import count_actions

    settings = load_settings()
    org = check_org(settings)
    data = read_weeks(weeks or EXAMPLE)
    learner = str(data.get("learner", ""))
    if org.person(learner) is None:
        fail(f"no person {learner!r} in the organisation file")

    async def run() -> int:
        runtime = await start_runtime(settings)
        try:
            async with UnitOfWork(runtime.database, read_only=True) as uow:
                if await count_actions(uow, learner):
                    fail(f"{learner} has actions already: seed an empty database")
            seeded = await load_learner_weeks(runtime.database, org, data)
            return len(seeded.action_ids)
        finally:
            await runtime.close()

    count = asyncio.run(run())
    typer.echo(
        f"seeded {count} actions for {learner}; "
        f"try: extramile portfolio {learner} --out {learner}.pdf"
    )
