"""The case index's fields as Whoosh field types (the names and versions: ../schema.py)."""

from __future__ import annotations

from whoosh.columns import NumericColumn, VarBytesColumn
from whoosh.fields import COLUMN, ID, NUMERIC, TEXT, Schema

from portal.search.whoosh_engine.analyzer import CaseworkAnalyzer


def _day_field() -> NUMERIC:
    """A date at day precision (the `created:` filters are day-granular).

    Whoosh's DATETIME keeps microseconds and writes 8 trie terms per value, which made
    dates half of all terms and a `created:>` range expand to thousands of terms. As
    yyyymmdd with one 8-bit trie step, a value is 4 terms and a range at most a few
    hundred, however many cases. The exact time for sorting is the `created_at` column.
    """
    return NUMERIC(int, bits=32, signed=False, shift_step=8)


def build_schema() -> Schema:
    """One document per case."""
    text = CaseworkAnalyzer()
    return Schema(
        id=ID(stored=True, unique=True, sortable=True),
        number=ID(stored=True),  # `CS-000123`; queries in any digits are mapped to it
        subject=TEXT(analyzer=text, stored=True),
        body=TEXT(analyzer=text, stored=True),  # description + public replies
        internal=TEXT(analyzer=text, stored=True),  # internal notes: staff only
        people=TEXT(analyzer=text),  # requester and account names, e-mail and domain
        account=TEXT(analyzer=text),  # account name, for `account:`
        queue=TEXT(analyzer=text),  # queue name, for `queue:`
        category=TEXT(analyzer=text),
        status=ID(stored=True, sortable=True),
        priority=ID(sortable=True),
        channel=ID,
        tier=ID,
        queue_id=ID(sortable=True),
        account_id=ID(sortable=True),
        requester_id=ID,
        assignee_id=ID,
        created=_day_field(),
        updated=_day_field(),
        resolved=_day_field(),
        created_at=COLUMN(NumericColumn("q")),  # microseconds since 1970, for "newest first"
        # What the document was built from (case updated_at and newest event), for `verify`.
        stamp=COLUMN(VarBytesColumn()),
    )
