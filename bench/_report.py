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


def report(rows: list[Row]) -> int:
    """Print the table; the exit status is 1 only when a correctness check failed (a missed goal is MISS, not 1)."""
    import sys

    print_table(rows)
    sys.stdout.flush()
    failed = [r.measure.strip() for r in rows if r.status == "FAIL"]
    if failed:
        print(f"\nFAILED correctness checks: {', '.join(failed)}")
    return 1 if failed else 0
