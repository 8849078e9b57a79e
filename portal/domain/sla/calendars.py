"""Business time: the working hours of a business calendar and minute arithmetic in them.

SLA targets are counted in business minutes on a calendar. Business time is worked out in the
calendar's local wall time one day at a time, and each day's opening hours are converted to
UTC on their own, so a daylight saving change moves the UTC hours with it. Separate because it
knows nothing of cases or policies: only a calendar and moments in time.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from portal.models import BusinessCalendar

# A calendar without a single working day in this many days in a row has no working time.
MAX_IDLE_DAYS = 3 * 366
MIDNIGHT = time(0, 0)


def as_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("the SLA engine needs timezone-aware datetimes")
    return moment.astimezone(UTC)


def _working_windows(
    calendar: BusinessCalendar, moment: datetime
) -> Iterator[tuple[datetime, datetime]]:
    """Yield each working day's (opening, closing) in UTC, from the day of `moment` on.

    A closing time of 00:00 means midnight at the end of the day, so 00:00-00:00 on every
    weekday is a round-the-clock calendar.
    """
    if not any(digit in "1234567" for digit in calendar.weekdays):
        raise ValueError(f"calendar {calendar.name!r} has no working weekdays")
    zone = ZoneInfo(calendar.timezone)
    holidays = {holiday.day for holiday in calendar.holidays}
    # Windows end by local midnight, so none before the local day of `moment` can contain it.
    day = moment.astimezone(zone).date()
    idle_days = 0
    while idle_days <= MAX_IDLE_DAYS:
        window = _window(calendar, zone, day, holidays)
        if window is None:
            idle_days += 1
        else:
            idle_days = 0
            yield window
        day += timedelta(days=1)
    raise ValueError(f"calendar {calendar.name!r} has no working time")


def _window(
    calendar: BusinessCalendar, zone: ZoneInfo, day: date, holidays: set[date]
) -> tuple[datetime, datetime] | None:
    """One local day's opening hours in UTC, or None when the clock does not run that day."""
    if str(day.isoweekday()) not in calendar.weekdays or day in holidays:
        return None
    closing_day = day + timedelta(days=1) if calendar.closes_at == MIDNIGHT else day
    # Convert before comparing: aware datetimes sharing a tzinfo compare by wall time.
    opens = datetime.combine(day, calendar.opens_at, tzinfo=zone).astimezone(UTC)
    closes = datetime.combine(closing_day, calendar.closes_at, tzinfo=zone).astimezone(UTC)
    return (opens, closes) if closes > opens else None


def add_business_minutes(calendar: BusinessCalendar, start: datetime, minutes: int) -> datetime:
    """The moment (UTC) at which `minutes` business minutes have run since `start`.

    Time outside opening hours does not count, so a start outside hours counts from the next
    opening; a target that runs out exactly at closing time is due at closing time.
    """
    if minutes < 0:
        raise ValueError("minutes must not be negative")
    cursor = as_utc(start)
    remaining = timedelta(minutes=minutes)
    if not remaining:
        return cursor
    for opens, closes in _working_windows(calendar, cursor):
        begin = max(opens, cursor)
        if begin >= closes:
            continue
        if remaining <= closes - begin:
            return begin + remaining
        remaining -= closes - begin
    raise AssertionError("unreachable: _working_windows never ends without raising")


def business_time_between(calendar: BusinessCalendar, start: datetime, end: datetime) -> timedelta:
    start, end = as_utc(start), as_utc(end)
    total = timedelta()
    if end <= start:
        return total
    for opens, closes in _working_windows(calendar, start):
        if opens >= end:
            break
        overlap = min(closes, end) - max(opens, start)
        if overlap > timedelta():
            total += overlap
    return total


def business_minutes_between(calendar: BusinessCalendar, start: datetime, end: datetime) -> int:
    """Whole business minutes from `start` to `end` (rounded down); 0 if `end` is not later."""
    return int(business_time_between(calendar, start, end).total_seconds() // 60)
