"""kernel.pagination: one Page type and `paginate` for every list."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from portal.extensions import db as _db
from portal.kernel.pagination import Page, paginate
from portal.models import Account
from tests.factories import make_account


@pytest.mark.parametrize(
    "total, number, pages, has_prev, has_next",
    [
        (0, 1, 1, False, False),
        (10, 1, 1, False, False),
        (11, 1, 2, False, True),
        (25, 2, 3, True, True),
        (30, 3, 3, True, False),
    ],
)
def test_page_counts_and_neighbours(total, number, pages, has_prev, has_next):
    page = Page(items=[], total=total, number=number, per_page=10)
    assert (page.pages, page.has_prev, page.has_next) == (pages, has_prev, has_next)


@pytest.fixture
def accounts(db):
    return [make_account(name=f"Account {n:02d}") for n in range(1, 8)]


def _query():
    return sa.select(Account).order_by(Account.name)


def test_paginate_gives_one_page_and_the_total(accounts):
    page = paginate(_query(), number=2, per_page=3)
    assert [a.name for a in page.items] == ["Account 04", "Account 05", "Account 06"]
    assert (page.total, page.number, page.pages, page.per_page) == (7, 2, 3, 3)


@pytest.mark.parametrize("asked, shown", [(0, 1), (-4, 1), (3, 3), (99, 3)])
def test_a_number_outside_the_pages_shows_the_nearest_page(accounts, asked, shown):
    page = paginate(_query(), number=asked, per_page=3)
    assert page.number == shown
    assert [a.name for a in page.items][:1] == [f"Account {3 * shown - 2:02d}"]


def test_past_end_gives_an_empty_page_instead_of_the_last(accounts):
    page = paginate(_query(), number=99, per_page=3, past_end=True)
    assert (page.items, page.number, page.total, page.has_next) == ([], 99, 7, False)
    assert paginate(_query(), number=0, per_page=3, past_end=True).number == 1


def test_rows_reads_the_limited_query_and_total_skips_the_count(accounts, count_queries):
    with count_queries() as statements:
        page = paginate(
            sa.select(Account.name, Account.id).order_by(Account.name),
            number=1,
            per_page=2,
            total=7,
            rows=lambda limited: [tuple(row) for row in _db.session.execute(limited)],
        )
    assert len(statements) == 1
    assert [name for name, _id in page.items] == ["Account 01", "Account 02"]


@pytest.mark.parametrize("how_many", [1, 40])
def test_two_queries_whatever_the_size(db, count_queries, how_many):
    for n in range(how_many):
        make_account(name=f"Account {n:03d}")
    with count_queries() as statements:
        page = paginate(_query(), number=1, per_page=25)
    assert len(statements) == 2
    assert len(page.items) == min(how_many, 25)
