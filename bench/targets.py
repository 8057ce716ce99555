"""Issue 18's targets, each with what this run measured and the baseline it is compared
with, from the same run. Printed last by `make bench`; never asserted. Fan-out's figure:
the ratio, then lost/doubled."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Target:
    figure: str
    before: str  # as the issue measured it before the work
    goal: str
    measured: str = "not measured"
    baseline: str = ""
    # One answer, or one for each of the paths measured (Slack: typed in its DM | in a
    # channel).
    met: bool | tuple[bool, ...] | None = None


TARGETS: dict[str, Target] = {
    t.figure: t
    for t in (
        Target("Slack acks/s, 50 in flight, vs bare bolt no-op", "0.05", ">= 1.0"),
        Target("Slack ack p99, 50 in flight", "1,715 ms", "<= 2 x bare p99"),
        Target("Slack end to end, vs bare bolt posting the reply", "~0.25", ">= 0.8"),
        Target("server CPU per /extramile help", "6.6 ms", "<= 1.5 ms"),
        Target("actions logged end to end, SQLite, empty", "28/s", ">= 300/s"),
        Target("the same, the year's actions stored", "2.1/s (300k)", ">= 0.9 x empty"),
        Target("Teams messages, 50 in flight, vs bare handler", "0.36", ">= 0.9"),
        Target("idle RSS vs bare bolt app", "3.1x", "<= 1.4x"),
        Target("digest over the year vs plain SQL aggregate", "4.2x", "<= 1.5x"),
        Target("fan-out at 200/s vs theoretical minimum", "1.17", "<= 1.1, 0/0"),
    )
}
ACK, P99, END_TO_END, CPU, SAVES, SAVES_STORED, TEAMS, RSS, DIGEST, FAN_OUT = TARGETS


def record(figure: str, measured: str, baseline: str, met: bool | tuple[bool, ...]) -> None:
    target = TARGETS[figure]
    target.measured, target.baseline, target.met = measured, baseline, met


def table() -> list[str]:
    width = max(len(t.figure) for t in TARGETS.values())
    lines = [f"  {'figure':<{width}}  {'before':>12}  {'target':>15}  {'this run':>17}  baseline"]
    for t in TARGETS.values():
        lines.append(
            f"  {t.figure:<{width}}  {t.before:>12}  {t.goal:>15}  {t.measured:>17}  "
            f"{t.baseline} [{_mark(t.met)}]"
        )
    lines.append(
        "  Slack rows, from 50 people: typed in their DMs (the answer in the ack) | in a channel"
    )
    return lines


def _mark(met: bool | tuple[bool, ...] | None) -> str:
    if isinstance(met, tuple):
        if all(met) or not any(met):
            return _mark(all(met))
        return " | ".join("met" if m else "MISSED" for m in met)
    return {True: "met", False: "MISSED", None: "-"}[met]
