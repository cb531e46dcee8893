"""The results table every benchmark prints: measure, result, the baseline measured in the same run, their ratio,
the goal and PASS/MISS/info — so figures from different benchmarks read the same way in bench/README.md."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Row:
    measure: str
    result: str
    baseline: str = ""
    ratio: str = ""
    goal: str = ""
    status: str = "info"


def seconds(value: float) -> str:
    return f"{value:.2f} s" if value < 10 else f"{value:.1f} s"


def judged(passed: bool) -> str:
    return "PASS" if passed else "MISS"


def print_table(rows: list[Row]) -> None:
    header = Row("Measure", "Result", "Baseline (same run)", "Ratio", "Goal", "Status")
    table = [header, *rows]
    columns = ("measure", "result", "baseline", "ratio", "goal", "status")
    widths = [max(len(getattr(r, c)) for r in table) for c in columns]
    for i, row in enumerate(table):
        print("  ".join(getattr(row, c).ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip())
        if i == 0:
            print("  ".join("-" * w for w in widths))
