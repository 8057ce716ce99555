"""The eight-week trend as a small PNG (matplotlib, no display needed).

`trend_png` is slow (a third of a second warm, over a second cold): call it through
bot.reports.attachments.draw, off the event loop. It uses matplotlib's object API, not pyplot,
whose global figure registry is not safe off the main thread."""

from __future__ import annotations

import io


def trend_png(labels: list[str], counts: list[int], title: str) -> bytes:
    # Imported on first use: matplotlib costs the server ~1 s and ~30 MB at start-up,
    # and only the weekly digest draws.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(6, 2.4), dpi=100)
    FigureCanvasAgg(figure)  # render to memory, never to a screen
    axes = figure.subplots()
    axes.bar(labels, counts, color="#1d6b4f")
    axes.set_title(title, fontsize=10)
    axes.set_ylabel("actions", fontsize=8)
    axes.tick_params(labelsize=7)
    axes.spines[["top", "right"]].set_visible(False)
    for index, value in enumerate(counts):
        axes.annotate(str(value), (index, value), ha="center", va="bottom", fontsize=7)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def trend_line(counts: list[int]) -> str:
    """The same trend in one line of text, for screen readers and notifications."""
    if len(counts) < 2:
        return ""
    last, before = counts[-1], counts[-2]
    direction = "up" if last > before else "down" if last < before else "level"
    return (
        f"Actions per week, last {len(counts)} weeks: {' · '.join(map(str, counts))} "
        f"({direction} from {before} the week before)."
    )
