"""A paginator whose count stops at a cap — for text searches, where an exact count means scanning every row.

A search through 100,000 published items matched by ``LIKE`` spends most of its time counting; the first pages
need only the first matches in the list's order. Counting at most ``cap`` + 1 rows lets the database stop early,
and the page says "1000+" instead of a number nobody reads to the end.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet


class CappedPaginator(Paginator):
    def __init__(self, object_list: QuerySet[Any], per_page: int, cap: int = 1000) -> None:
        super().__init__(object_list, per_page)
        self.queryset = object_list
        self.cap = cap

    @cached_property
    def _counted(self) -> int:
        return len(self.queryset[: self.cap + 1].values_list("pk", flat=True))

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.cap)

    @property
    def capped(self) -> bool:
        """More matches exist than are counted (shown as "1000+")."""
        return self._counted > self.cap
