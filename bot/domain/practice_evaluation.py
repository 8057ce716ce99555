"""`extramile practices evaluate FILE.yml`: replay labelled deeds through the bot's own
ranking (practice_matching.rank) and measure it.

Order rule: the groups are shuffled with a fixed seed, then their items are dealt
round-robin (first item of each group, then the second of each, ...), each singleton
inserted at a seeded position. So most groups' first items come early and later items
find their group already there, as in a shop that has used the bot a while. Each deed is
ranked against the practices so far; then the person picks the right one (a repeat) or
says "It's something new" (a group's first item, or a singleton).

Buttons are shown when the top suggestion's score clears the threshold, so:
(a) a repeat is a hit when its practice is among the top 3 and buttons are shown;
(b) a new deed is wrongly suggested when buttons are shown at all.
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from statistics import fmean

import yaml
from pydantic import BaseModel, Field

from bot.domain import embedding
from bot.domain.practice_matching import HYBRID, PracticeText, rank
from bot.domain.practice_threshold import fit_threshold

SEED = 20261122
SPLITS = 200
BUTTONS = 3


class Group(BaseModel):
    id: str
    title: str
    items: list[str] = Field(min_length=1)


class Labelled(BaseModel):
    groups: list[Group]
    singletons: list[str] = []


@dataclass(frozen=True, slots=True)
class Deed:
    """One replayed deed: its group (a singleton's own name), whether its practice existed
    already, where that practice ranked (1 is first; 0 for a new deed) and the top score."""

    group: str
    repeat: bool
    rank: int
    top: float

    @property
    def label(self) -> tuple[float, bool]:
        return (self.top, self.repeat)


@dataclass(frozen=True, slots=True)
class Figures:
    hits: int
    repeats: int
    wrong: int
    new: int

    @property
    def hit_rate(self) -> float:
        return self.hits / self.repeats if self.repeats else 0.0

    @property
    def wrong_rate(self) -> float:
        return self.wrong / self.new if self.new else 0.0


@dataclass(frozen=True, slots=True)
class Replay:
    method: str
    seed: int
    deeds: tuple[Deed, ...]
    seconds_per_deed: float


def load(path: Path) -> Labelled:
    return Labelled.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


def replay_order(data: Labelled, seed: int) -> list[tuple[str | None, str]]:
    """(group id or None for a singleton, text), in the stated order."""
    rng = random.Random(seed)
    groups = list(data.groups)
    rng.shuffle(groups)
    order: list[tuple[str | None, str]] = []
    depth = max(len(g.items) for g in groups)
    for index in range(depth):
        order += [(g.id, g.items[index]) for g in groups if index < len(g.items)]
    for text in data.singletons:
        order.insert(rng.randrange(len(order) + 1), (None, text))
    return order


def replay(data: Labelled, *, method: str = HYBRID, seed: int = SEED) -> Replay:
    """Every deed ranked against the practices before it, timed (embedding included: each
    deed's vector is worked out once, as when an action is saved)."""
    members: dict[str, list[tuple[str, bytes | None]]] = {}
    deeds: list[Deed] = []
    spent = 0.0
    for number, (group, text) in enumerate(replay_order(data, seed)):
        started = time.perf_counter()
        vector = embedding.embed(text) if method == HYBRID else None
        ranked = rank(text, _practices(members), vector=vector, method=method)
        spent += time.perf_counter() - started
        top = ranked[0].score if ranked else float("-inf")
        name = group or f"single-{number}"
        if name in members:
            place = next(i for i, s in enumerate(ranked, 1) if s.practice_id == name)
            deeds.append(Deed(name, True, place, top))
        else:
            deeds.append(Deed(name, False, 0, top))
        members.setdefault(name, []).append((text, vector))
    return Replay(method, seed, tuple(deeds), spent / max(len(deeds), 1))


def _practices(members: dict[str, list[tuple[str, bytes | None]]]) -> list[PracticeText]:
    return [
        PracticeText(
            name,
            texts[0][0],
            tuple(t for t, _ in texts[1:]),
            tuple(v for _, v in texts if v is not None),
        )
        for name, texts in members.items()
    ]


def figures(deeds: Sequence[Deed], threshold: float) -> Figures:
    repeats = [d for d in deeds if d.repeat]
    new = [d for d in deeds if not d.repeat]
    return Figures(
        hits=sum(1 for d in repeats if d.rank <= BUTTONS and d.top >= threshold),
        repeats=len(repeats),
        wrong=sum(1 for d in new if d.top >= threshold),
        new=len(new),
    )


def top_k(deeds: Sequence[Deed], k: int) -> float:
    """Share of repeats whose practice ranks within the first k, whatever the threshold."""
    repeats = [d for d in deeds if d.repeat]
    return sum(1 for d in repeats if d.rank <= k) / len(repeats) if repeats else 0.0


def split(
    deeds: Sequence[Deed], default: float, *, rounds: int = SPLITS, seed: int = SEED
) -> tuple[float, float]:
    """(a) and (b) averaged over `rounds` seeded splits of the groups in two halves: the
    threshold fitted (fit_threshold) on one half's labels, tested on the other half."""
    names = sorted({d.group for d in deeds})
    rng = random.Random(seed)
    hit_rates: list[float] = []
    wrong_rates: list[float] = []
    for _ in range(rounds):
        rng.shuffle(names)
        tuning = set(names[: len(names) // 2])
        threshold = fit_threshold([d.label for d in deeds if d.group in tuning], default)
        tested = figures([d for d in deeds if d.group not in tuning], threshold)
        hit_rates.append(tested.hit_rate)
        wrong_rates.append(tested.wrong_rate)
    return fmean(hit_rates), fmean(wrong_rates)


@dataclass(frozen=True, slots=True)
class Step:
    """After `deeds` deeds replayed as picks: the threshold fitted from the labels so far,
    and (a) and (b) counted so far, each deed judged by the threshold of its moment."""

    deeds: int
    threshold: float
    so_far: Figures


def learned(deeds: Sequence[Deed], default: float, *, every: int = 25) -> list[Step]:
    steps: list[Step] = []
    labels: list[tuple[float, bool]] = []
    hits = repeats = wrong = new = 0
    for count, deed in enumerate(deeds, 1):
        threshold = fit_threshold(labels, default)
        shown = deed.top >= threshold
        if deed.repeat:
            repeats += 1
            hits += shown and deed.rank <= BUTTONS
        else:
            new += 1
            wrong += shown
        labels.append(deed.label)
        if count % every == 0 or count == len(deeds):
            steps.append(
                Step(count, fit_threshold(labels, default), Figures(hits, repeats, wrong, new))
            )
    return steps
