"""Practices kept tidy from the command line (issue 17), as managers do in chat:
practices list, rename, merge and split (`practices evaluate` is app/commands/practices.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from app.commands.common import check_org, fail, load_settings
from storage.uow import UnitOfWork

if TYPE_CHECKING:
    from bot.context import Scene
    from bot.features.nominations.edits import Edited

T = TypeVar("T")


def practices_list() -> None:
    """Every practice: its number (for rename, merge and split), its deeds, its title."""
    from storage.practices import practices

    async def work(scene: Scene) -> list[str]:
        found = sorted(await practices(scene.uow, examples=0), key=lambda p: (-p.times, p.id))
        return [f"{p.id:>5}  {p.times:>4} deeds  {p.title}" for p in found]

    lines = _in_scene(work)
    typer.echo("\n".join(lines) if lines else "No practices yet.")


def practices_rename(
    practice: Annotated[int, typer.Argument(help="The practice's number (practices list).")],
    title: Annotated[str, typer.Argument(help="Its name from now on (up to 60 characters).")],
) -> None:
    """A practice's name, kept as deeds join (instead of the wording most used)."""
    from bot.domain.text import clean
    from bot.features.nominations import edits

    _report(_in_scene(lambda scene: edits.rename(scene, practice, clean(title), None)))


def practices_merge(
    practice: Annotated[int, typer.Argument(help="The practice to merge (practices list).")],
    into: Annotated[int, typer.Argument(help="The practice it joins; its counts are summed.")],
) -> None:
    """Two practices made one: deeds, answers and counts together (a nomination recounted)."""
    from bot.features.nominations import edits

    _report(_in_scene(lambda scene: edits.merge(scene, practice, into, None)))


def practices_split(
    action: Annotated[int, typer.Argument(help="The action's number (as in `mine`, audit).")],
    by: Annotated[str, typer.Option(help="The manager's id from the organisation file.")],
) -> None:
    """One action out of its practice, into a practice of its own."""
    from bot.features.nominations import edits

    _report(_in_scene(lambda scene: edits.split(scene, action, by), manager=by))


def _report(edited: Edited) -> None:
    if not edited.done:
        fail(edited.said)
    typer.echo(edited.said)


def _in_scene(work: Callable[[Scene], Awaitable[T]], manager: str | None = None) -> T:
    """`work` in one committed transaction, as a scene of the organisation."""
    from app.runtime import start_runtime
    from bot.clock import SystemClock, local_today
    from bot.context import Scene
    from bot.domain.org import Role

    settings = load_settings()
    org = check_org(settings)
    person = org.person(manager) if manager is not None else None
    if manager is not None and (person is None or person.role is not Role.MANAGER):
        fail(f"{manager!r} is not a manager in the organisation file")

    async def run() -> T:
        runtime = await start_runtime(settings)
        clock = SystemClock()
        try:
            async with UnitOfWork(runtime.database) as uow:
                today = local_today(clock, org.organisation.timezone)
                result = await work(Scene(org=org, uow=uow, now=clock.now(), today=today))
                await uow.commit()
                return result
        finally:
            await runtime.close()

    return asyncio.run(run())
