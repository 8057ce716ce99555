"""Issue 18's targets, each with what this run measured and the baseline it is compared
with, from the same run. Printed last by `make bench`; never asserted."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Target:
    figure: str
    before: str  # as the issue measured it before the work
    goal: str
    measured: str = "not measured"
    baseline: str = ""
    met: bool | None = None


TARGETS: dict[str, Target] = {
    t.figure: t
    for t in (
        Target("Slack ack throughput at 50 in flight, vs bare bolt (no-op)", "0.05", ">= 1.0"),
        Target("Slack ack p99 at 50 in flight", "1,715 ms", "<= 2 x bare bolt's p99"),
        Target(
            "Slack end to end (ack + reply received), vs bare bolt posting the same reply",
            "~0.25",
            ">= 0.8",
        ),
        Target("server CPU per /extramile help", "6.6 ms", "<= 1.5 ms"),
        Target("actions logged end to end in process, SQLite, empty database", "28/s", ">= 300/s"),
        Target(
            "the same with the year's actions already stored",
            "2.1/s (300k)",
            ">= 0.9 x empty",
        ),
        Target("Teams messages at 50 in flight vs bare ActivityHandler", "0.36", ">= 0.9"),
        Target("idle RSS vs bare bolt app", "3.1x", "<= 1.4x"),
        Target("digest over the year vs plain SQL aggregate", "4.2x", "<= 1.5x"),
        Target(
            "fan-out of 10,000 at 200/s vs the theoretical minimum",
            "1.17",
            "<= 1.1, 0 lost, 0 doubled",
        ),
    )
}
ACK, P99, END_TO_END, CPU, SAVES, SAVES_STORED, TEAMS, RSS, DIGEST, FAN_OUT = TARGETS


def record(figure: str, measured: str, baseline: str, met: bool) -> None:
    target = TARGETS[figure]
    target.measured, target.baseline, target.met = measured, baseline, met


def table() -> list[str]:
    width = max(len(t.figure) for t in TARGETS.values())
    lines = [
        f"  {'figure':<{width}}  {'before':>13}  {'target':>25}  {'this run':>14}  baseline",
    ]
    for t in TARGETS.values():
        mark = {True: "met", False: "MISSED", None: "-"}[t.met]
        lines.append(
            f"  {t.figure:<{width}}  {t.before:>13}  {t.goal:>25}  {t.measured:>14}  "
            f"{t.baseline} [{mark}]"
        )
    return lines
