"""Practices, the deeds actions share: practices evaluate."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from app.commands.common import fail


def practices_evaluate(
    file: Annotated[Path, typer.Argument(help="A labelled YAML file (groups, singletons).")],
    method: Annotated[
        str, typer.Option(help="tfidf-char (the bot's), token-set, weighted, token-sort")
    ] = "tfidf-char",
    seed: Annotated[int | None, typer.Option(help="The replay order's seed.")] = None,
) -> None:
    """Replay labelled deeds through the bot's suggestion code; print its two figures."""
    from pydantic import ValidationError as BadFile

    from bot.domain.practice_matching import ALL_METHODS
    from bot.features.nominations.evaluate import SEED, evaluate, load

    if method not in ALL_METHODS:
        fail(f"no method {method!r}; methods: {', '.join(ALL_METHODS)}")
    try:
        data = load(file)
    except (OSError, BadFile) as error:
        fail(f"cannot use {file}: {error}")
    typer.echo(
        "order: groups shuffled with the seed, their items dealt round-robin, "
        "singletons inserted at seeded positions"
    )
    typer.echo(str(evaluate(data, method=method, seed=SEED if seed is None else seed)))
