"""The one clock seam. Services ask ``clock.now()``; tests and the demo (which replays history in chronological order
under a simulated clock) set it with :func:`frozen_at` / :func:`simulated`.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from django.utils import timezone

_local = threading.local()


def now() -> datetime:
    fixed: datetime | None = getattr(_local, "fixed", None)
    return fixed if fixed is not None else timezone.now()


@contextmanager
def frozen_at(moment: datetime) -> Iterator[None]:
    """Within the block, ``now()`` returns ``moment`` (aware). Nested blocks restore the outer time."""
    if timezone.is_naive(moment):
        raise ValueError("clock.frozen_at needs an aware datetime")
    previous = getattr(_local, "fixed", None)
    _local.fixed = moment
    try:
        yield
    finally:
        _local.fixed = previous
