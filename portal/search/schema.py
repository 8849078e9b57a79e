"""The case index: its fields, and the version that names its folder.

Bump SCHEMA_VERSION whenever a field or the analyzer changes what is indexed: the index then
lives in a new folder (SEARCH_INDEX_DIR/v<version>) and `flask search rebuild` fills it, so a
new release never reads an index written with other rules.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from whoosh.columns import NumericColumn, VarBytesColumn
from whoosh.fields import COLUMN, ID, NUMERIC, TEXT, Schema

from portal.search.analysis import CaseworkAnalyzer

SCHEMA_VERSION = 3  # 3: analyzer with lexicon.py (plurals, compounds), acronym plurals

# Free-text fields, as a customer and as staff search them; `internal` holds internal notes.
PUBLIC_TEXT_FIELDS = ("subject", "body", "people")
STAFF_TEXT_FIELDS = (*PUBLIC_TEXT_FIELDS, "internal")
# Fields whose terms "did you mean" corrects against (see query._suggest).
SPELLING_FIELDS = ("subject", "body")
FIELD_BOOSTS = {"subject": 2.0}

# The value of a reference field (assignee, queue, ...) when the case has none.
NONE = "none"


def day_number(moment: datetime | date) -> int:
    """A date as the number yyyymmdd, the form the date fields index and queries compare."""
    return moment.year * 10_000 + moment.month * 100 + moment.day


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def microseconds(moment: datetime) -> int:
    """Microseconds since 1970 (UTC), the `created_at` column (newest first, date filters)."""
    return (moment - _EPOCH) // timedelta(microseconds=1)


def date_of_day(day: int) -> date:
    """The date of a day number (yyyymmdd)."""
    return date(day // 10_000, day // 100 % 100, day % 100)


def day_start_microseconds(day: date) -> int:
    """The first microsecond (UTC) of `day`, as `microseconds` counts."""
    return microseconds(datetime(day.year, day.month, day.day, tzinfo=UTC))


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
