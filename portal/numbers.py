"""Whole numbers that people type or send: Western, Persian and Arabic-Indic digits, bounded to
what the database can store. No Flask here: models, services, search and forms all use it.

Every id column is a PostgreSQL `integer` (1 to 2^31 - 1); a bigger number sent to the database
is an error there (and an OverflowError on SQLite from 2^63), so a number read from a request is
checked against its range before any query sees it.
"""

from __future__ import annotations

import re

# The digits a number may be written in, defined once: Persian (U+06F0-06F9) and Arabic-Indic
# (U+0660-0669) to Western. Other digit characters (², ١ look-alikes from other scripts,
# fullwidth ０) are not numbers here.
ASCII_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
DIGIT_CLASS = "0-9\u06f0-\u06f9\u0660-\u0669"  # for regular expressions: [DIGIT_CLASS]
DB_INT_MAX = 2**31 - 1  # PostgreSQL `integer`, the type of every id
DB_INT_MIN = -(2**31)
_WHOLE = re.compile(r"[+-]?[0-9]+", re.ASCII)
# More digits than any value in range has: refused before int() (which would accept thousands).
_MAX_DIGITS = 20


class BadNumber(ValueError):
    """Text that is not a whole number in range. `low` and `high` are the range asked for."""

    def __init__(self, text: str, low: int | None, high: int | None, *, out_of_range: bool):
        super().__init__(f"{text[:40]!r} is not a whole number from {low} to {high}")
        self.low, self.high, self.out_of_range = low, high, out_of_range


def to_ascii_digits(text: str) -> str:
    """Persian and Arabic-Indic digits as Western digits; everything else unchanged."""
    return text.translate(ASCII_DIGITS)


def parse_int(text, *, low: int | None = DB_INT_MIN, high: int | None = DB_INT_MAX) -> int:
    """A whole number typed in Western, Persian or Arabic-Indic digits (spaces around and a sign
    allowed), from `low` to `high` (None: no bound on that side); BadNumber otherwise."""
    if isinstance(text, int) and not isinstance(text, bool):
        value = text
    else:
        cleaned = to_ascii_digits(str(text)).strip()
        if not _WHOLE.fullmatch(cleaned):
            raise BadNumber(str(text), low, high, out_of_range=False)
        if len(cleaned.lstrip("+-").lstrip("0")) > _MAX_DIGITS:
            raise BadNumber(str(text), low, high, out_of_range=True)
        value = int(cleaned)
    if (low is not None and value < low) or (high is not None and value > high):
        raise BadNumber(str(text), low, high, out_of_range=True)
    return value


def parse_id(text) -> int | None:
    """A row id (1 to 2^31 - 1) in any of the digits above, or None if `text` is not one."""
    try:
        return parse_int(text, low=1, high=DB_INT_MAX)
    except BadNumber:
        return None
