"""Typed days: reading a day a person typed (year-month-day in any digits, Jalali when the year
is before 1700) and showing a day the way it is typed, for the portal's date inputs."""

from __future__ import annotations

import re
from datetime import date

import jdatetime
from flask_babel import gettext as _

from portal.i18n import bidi, digits, languages
from portal.numbers import ASCII_DIGITS

_DAY = re.compile(r"^([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})$")
# Years before this are Jalali (1405 is 2026), as in case search and the KPI filters.
JALALI_BEFORE = 1700


class BadDay(ValueError):
    """A typed day that cannot be read; str() is the translated message for the form."""


def parse_day(text: str) -> date:
    """A day typed as year-month-day (or with / or .), in any digits. A year before 1700 is
    Jalali, so a Persian reader may type ۱۴۰۵/۰۹/۱۶ and anyone may type 2026-12-07."""
    match = _DAY.match((text or "").strip().translate(ASCII_DIGITS))
    if not match:
        raise BadDay(
            _(
                "Give the day as year-month-day, for example %(example)s.",
                example=bidi.isolate(day_example()),
            )
        )
    year, month, day = (int(part) for part in match.groups())
    try:
        if year < JALALI_BEFORE:
            return jdatetime.date(year, month, day).togregorian()
        return date(year, month, day)
    except ValueError:
        raise BadDay(_("That day does not exist in the calendar.")) from None


def day_input(value: date | None) -> str:
    """How a day is shown in a typed-day input: ۱۴۰۵/۰۹/۱۶ in Persian, 2026-12-07 else."""
    if value is None:
        return ""
    if languages.current_language() == "fa":
        jalali = jdatetime.date.fromgregorian(date=value)
        return digits.native_digits(f"{jalali.year:04d}/{jalali.month:02d}/{jalali.day:02d}", "fa")
    return digits.native_digits(value.isoformat())


def day_example() -> str:
    """An example day in the reader's input format, for placeholders and hints."""
    return day_input(date(2026, 11, 1))
