"""Amounts in the reader's words and digits: business minutes, spans of wall-clock time and
file sizes."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext

from portal.i18n import digits


def _days(count: int) -> str:
    return ngettext("%(count)s d", "%(count)s d", count, count=digits.native_digits(count))


def _hours(count: int) -> str:
    return ngettext("%(count)s h", "%(count)s h", count, count=digits.native_digits(count))


def _minutes(count: int) -> str:
    return ngettext("%(count)s min", "%(count)s min", count, count=digits.native_digits(count))


def business_minutes(value: float | None) -> str:
    """A duration in minutes as hours and minutes ("2 h 5 min"), in the reader's digits."""
    if value is None:
        return "—"
    hours, minutes = divmod(round(value), 60)
    return f"{_hours(hours)} {_minutes(minutes)}" if hours else _minutes(minutes)


def duration(minutes: int) -> str:
    """A span of wall-clock time, the two largest units that matter: "2 d 3 h", "2 h 10 min",
    "3 h", "25 min", in the reader's digits."""
    minutes = abs(int(minutes))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{_days(days)} {_hours(hours)}" if hours else _days(days)
    if hours:
        return f"{_hours(hours)} {_minutes(minutes)}" if minutes else _hours(hours)
    return _minutes(minutes)


def file_size(size_bytes: int) -> str:
    """A file size in the reader's words and digits: "900 bytes", "12 KB", "3.4 MB"."""
    if size_bytes < 1024:
        return ngettext(
            "%(count)s byte", "%(count)s bytes", size_bytes, count=digits.native_digits(size_bytes)
        )
    if size_bytes < 1024 * 1024:
        return _("%(size)s KB", size=digits.native_digits(-(-size_bytes // 1024)))
    megabytes = size_bytes / (1024 * 1024)
    shown = f"{megabytes:.1f}" if megabytes < 10 else f"{megabytes:.0f}"
    return _("%(size)s MB", size=digits.native_digits(shown))
