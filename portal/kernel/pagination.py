"""One page of a longer list, the same for every list in the portal: the items, which page this
is, how many there are, so one template macro can draw the links under any of them.

`paginate` runs two queries whatever the size of the list: a count and one page of rows. A page
number past the end shows the last page (a list that shrank while someone paged keeps working),
unless the list asks for `past_end=True`: then it is an empty page, as case and CRM lists have
always shown it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import sqlalchemy as sa

from portal.extensions import db

T = TypeVar("T")


@dataclass
class Page(Generic[T]):
    items: Sequence[T]
    total: int
    number: int = 1
    per_page: int = 50

    @property
    def pages(self) -> int:
        return page_count(self.total, self.per_page)

    @property
    def has_prev(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def page_count(total: int, per_page: int) -> int:
    return max(1, -(-total // per_page))


def paginate(
    query: sa.Select,
    *,
    number: int,
    per_page: int,
    total: int | None = None,
    rows: Callable[[sa.Select], Sequence] | None = None,
    past_end: bool = False,
) -> Page:
    """Page `number` of `query` (clamped to 1..pages, or only to 1 with `past_end`). `rows`
    reads the limited query when a list needs more than `scalars` (several columns, eager loads
    that need `unique()`, rows turned into something else)."""
    if total is None:
        total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    number = max(number, 1) if past_end else min(max(number, 1), page_count(total, per_page))
    limited = query.limit(per_page).offset((number - 1) * per_page)
    items = rows(limited) if rows else list(db.session.scalars(limited))
    return Page(items=items, total=total, number=number, per_page=per_page)
