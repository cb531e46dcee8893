"""Documents benchmark: rendering the 行政处罚决定书 as PDF/A-2b, and a 100-document batch with flat memory.

Run from the repository root::

    .venv/bin/python bench/documents.py            # 20 decisions timed, a batch of 100
    .venv/bin/python bench/documents.py --quick    # 5 and 20

The baseline is WeasyPrint rendering a blank A4 page in the same font (PDF/A-2b), in the same run: the ratio says
what lawtrace's template, context and fonts cost above the engine's own floor. Memory is the process's resident
size (``/proc/self/statm``) after the first tenth of the batch and at its end: flat means the batch does not keep
what it rendered. The case is walked to its decision through the services (the tests' ``walk`` helpers).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

from _environment import run_in_throwaway_environment
from _report import Row, judged, report, seconds

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the tests' walk helpers

GOAL_RATE = 2.0  # decisions/s (issue 17)
GOAL_GROWTH_MB = 20.0  # resident growth from the first tenth of the batch to its end
BLANK = """<html lang="zh-CN"><head><style>@page{size:A4}html{font-family:"Noto Serif CJK SC"}</style></head>
<body><p>　</p></body></html>"""


def resident_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1024**2


def timed(run: object, times: int) -> list[float]:
    durations = []
    for _ in range(times):
        start = time.perf_counter()
        run()  # type: ignore[operator]
        durations.append(time.perf_counter() - start)
    return durations


def main_role(args: argparse.Namespace) -> int:
    import weasyprint
    from tests.cases import walk

    from lawtrace.documents import rendering
    from lawtrace.documents.services import new_code
    from lawtrace.records.models import Record

    s, case = walk.opened("inner-mongolia-2025", "penalty")
    case = walk.to_execution(s, case)
    decision = Record.objects.select_related("case__organisation").get(case=case, kind="penalty_decision")
    code = new_code()

    def blank() -> None:
        weasyprint.HTML(string=BLANK).write_pdf(pdf_variant="pdf/a-2b")

    def decision_pdf() -> None:
        rendering.render_pdf(decision, draft=False, code=code)

    blank(), decision_pdf()  # warm-up: fonts loaded, templates compiled
    runs = 5 if args.quick else 20
    base = statistics.median(timed(blank, runs))
    each = statistics.median(timed(decision_pdf, runs))
    rate = 1 / each

    batch = 20 if args.quick else 100
    tenth = max(1, batch // 10)
    start = time.perf_counter()
    early = 0.0
    total_bytes = 0
    for index in range(batch):
        total_bytes += len(rendering.render_pdf(decision, draft=False, code=code))
        if index + 1 == tenth:
            early = resident_mb()
    elapsed = time.perf_counter() - start
    late = resident_mb()
    growth = late - early

    print(
        f"\nlawtrace documents benchmark — {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"WeasyPrint {weasyprint.__version__}, load average {os.getloadavg()[0]:.1f}\n"
    )
    return report(
        [
            Row(f"blank A4 page (PDF/A-2b), median of {runs}", f"{base * 1000:.0f} ms", status="info"),
            Row(
                f"行政处罚决定书 (PDF/A-2b, QR code), median of {runs}",
                f"{rate:.1f} documents/s ({each * 1000:.0f} ms)",
                f"{base * 1000:.0f} ms blank page",
                f"{each / base:.1f}x",
                f">= {GOAL_RATE:g}/s",
                judged(rate >= GOAL_RATE),
            ),
            Row(
                f"batch of {batch} decisions",
                f"{seconds(elapsed)}, {total_bytes / batch / 1024:.0f} KB each",
                status="info",
            ),
            Row(
                f"  resident memory after {tenth} → after {batch}",
                f"{early:.0f} → {late:.0f} MB (+{growth:.1f} MB)",
                goal=f"<= +{GOAL_GROWTH_MB:g} MB",
                status=judged(growth <= GOAL_GROWTH_MB),
            ),
        ]
    )


def main() -> int:
    parser = argparse.ArgumentParser(description="Benchmark lawtrace's document rendering.")
    parser.add_argument("--quick", action="store_true", help="small sizes for a smoke check")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (prints its path)")
    args = parser.parse_args()
    return run_in_throwaway_environment(lambda: main_role(args), keep=args.keep)


if __name__ == "__main__":
    sys.exit(main())
