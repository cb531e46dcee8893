"""Gaps in a recording that must be continuous (IMR-13; WS-12 "全程"), found from the segments' own times.

Pure: given the recording's span as the officer entered it (arrival to leaving the scene) and each segment's start
and end, list every interval nothing was recording — between segments, before the first (recording started late)
and after the last (recording stopped and never resumed: the unit head must be told, IMR-13). Intervals up to
``tolerance`` (a rulebook parameter) are the cameras' own file splitting, not interruptions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Interval:
    start: datetime
    end: datetime
    trailing: bool = False  # after the last segment until the recording's end: it never resumed

    @property
    def seconds(self) -> int:
        return int((self.end - self.start).total_seconds())

    def overlaps(self, start: datetime, end: datetime | None) -> bool:
        return start <= self.end and (end is None or end >= self.start)


def gaps(
    span_start: datetime,
    span_end: datetime,
    segments: Sequence[tuple[datetime, datetime]],
    tolerance: timedelta,
) -> list[Interval]:
    """Every interval of more than ``tolerance`` within [span_start, span_end] that no segment covers."""
    found: list[Interval] = []
    covered_until = span_start
    for start, end in sorted(segments):
        if start - covered_until > tolerance:
            found.append(Interval(covered_until, start))
        covered_until = max(covered_until, end)
    if span_end - covered_until > tolerance:
        found.append(Interval(covered_until, span_end, trailing=bool(segments)))
    return found
