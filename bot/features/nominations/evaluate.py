"""`extramile practices evaluate FILE.yml`: replay labelled deeds through `suggest`.

Order rule: the groups are shuffled with a fixed seed, then their items are dealt
round-robin (first item of each group, then the second of each, ...), each
singleton inserted at a seeded position. So most groups' first items come early and
later items find their group already there, as in a shop that has used the bot a while.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import BaseModel, Field

from bot.domain.practice_matching import DEFAULT_METHOD, PracticeText, suggest

SEED = 20261122


class Group(BaseModel):
    id: str
    title: str
    items: list[str] = Field(min_length=1)


class Labelled(BaseModel):
    groups: list[Group]
    singletons: list[str] = []


@dataclass(frozen=True, slots=True)
class Evaluation:
    method: str
    seed: int
    hits: int
    known: int
    false_suggestions: int
    new: int

    @property
    def hit_rate(self) -> float:
        return self.hits / self.known if self.known else 0.0

    @property
    def false_rate(self) -> float:
        return self.false_suggestions / self.new if self.new else 0.0

    def __str__(self) -> str:
        return (
            f"method {self.method}, seed {self.seed}\n"
            f"right group among the 3 suggestions: {self.hit_rate:.1%} "
            f"({self.hits} of {self.known} items whose group had earlier items)\n"
            f"new deeds wrongly given a suggestion: {self.false_rate:.1%} "
            f"({self.false_suggestions} of {self.new} first items and singletons)"
        )


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


def evaluate(
    data: Labelled,
    *,
    method: str = DEFAULT_METHOD,
    seed: int = SEED,
    threshold: float | None = None,
) -> Evaluation:
    practices: dict[str, list[str]] = {}
    hits = known = false_suggestions = new = 0
    for number, (group, text) in enumerate(replay_order(data, seed)):
        existing = [
            PracticeText(gid, texts[0], tuple(texts[1:])) for gid, texts in practices.items()
        ]
        suggested = [
            s.practice_id for s in suggest(text, existing, method=method, threshold=threshold)
        ]
        if group is not None and group in practices:
            known += 1
            hits += group in suggested
            practices[group].append(text)  # the person picks the right one
        else:
            new += 1
            false_suggestions += bool(suggested)
            practices[group or f"single-{number}"] = [text]  # the person says "it's new"
    return Evaluation(method, seed, hits, known, false_suggestions, new)
