"""The case index: the version that names its folder, and what its fields hold.

Bump SCHEMA_VERSION whenever a field or the analyzer changes what is indexed: the index then
lives in a new folder (SEARCH_INDEX_DIR/v<version>) and `flask search rebuild` fills it, so a
new release never reads an index written with other rules. The fields themselves, as Whoosh
field types, are whoosh_engine/schema.py.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

SCHEMA_VERSION = 3  # 3: analyzer with lexicon.py (plurals, compounds), acronym plurals

# Free-text fields, as a customer and as staff search them; `internal` holds internal notes.
PUBLIC_TEXT_FIELDS = ("subject", "body", "people")
STAFF_TEXT_FIELDS = (*PUBLIC_TEXT_FIELDS, "internal")
# Fields whose terms "did you mean" corrects against (see whoosh_engine/suggestions.py).
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
