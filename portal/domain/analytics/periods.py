"""KPI periods: whole local days `first`..`last` in a time zone, as the UTC interval [start, end)
that figures are counted in, and the named periods the pages offer ("today", the last 7, 30 or 90
days, or custom days). Kept apart from what is counted in them, so that the dashboard, goals and
reports share one meaning of a day; `FilterError`, the reader-facing refusal of a period or a
scope, lives here because a period is the first thing a page checks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext

from portal.i18n import native_digits
from portal.kernel.errors import DomainError

PERIOD_KEYS = ("today", "7", "30", "90", "custom")
MAX_PERIOD_DAYS = 366


class FilterError(DomainError):
    """A period or scope that cannot be used; the message is for the reader (translated)."""


class PeriodError(FilterError):
    """A custom period that is malformed, reversed or too long."""


@dataclass(frozen=True)
class Period:
    """Whole local days `first`..`last` in `tz`, as the UTC interval [start, end)."""

    first: date
    last: date
    tz: ZoneInfo
    key: str = "custom"

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time(0), self.tz).astimezone(UTC)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.last + timedelta(days=1), time(0), self.tz).astimezone(UTC)

    @property
    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]

    def elapsed_share(self, now: datetime) -> float:
        """How much of the period has passed at `now`, from 0 to 1."""
        total = (self.end - self.start).total_seconds()
        return min(1.0, max(0.0, (now - self.start).total_seconds() / total))


def period(
    key: str,
    *,
    now: datetime,
    tz: ZoneInfo,
    first: date | None = None,
    last: date | None = None,
) -> Period:
    """The period named `key` ("today", "7", "30", "90" days up to today, or "custom")."""
    today = now.astimezone(tz).date()
    if key == "today":
        return Period(today, today, tz, key)
    if key in ("7", "30", "90"):
        return Period(today - timedelta(days=int(key) - 1), today, tz, key)
    if key != "custom":
        raise PeriodError(_l("Choose a period from the list."))
    if first is None or last is None:
        raise PeriodError(_l("A custom period needs a first and a last day."))
    if last < first:
        raise PeriodError(_l("The last day is before the first."))
    if (last - first).days + 1 > MAX_PERIOD_DAYS:
        raise PeriodError(
            lazy_ngettext(
                "A period is at most %(count)s day.",
                "A period is at most %(count)s days.",
                MAX_PERIOD_DAYS,
                count=native_digits(MAX_PERIOD_DAYS),
            )
        )
    return Period(first, last, tz, key)
