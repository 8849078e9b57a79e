"""Dates for the reader: a timestamp in their zone and a calendar day, both in the Jalali
calendar with Persian digits in `fa` and Gregorian in the locale's format else."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import jdatetime
from flask_babel import format_date, format_datetime, get_locale, get_timezone

from portal.i18n import digits, languages

JALALI_MONTHS = (
    "فروردین",
    "اردیبهشت",
    "خرداد",
    "تیر",
    "مرداد",
    "شهریور",
    "مهر",
    "آبان",
    "آذر",
    "دی",
    "بهمن",
    "اسفند",
)


def local_date(value: datetime | None, with_time: bool = True) -> str:
    """A UTC timestamp in the reader's zone to the minute: Jalali with Persian digits in `fa`,
    Gregorian else. No seconds: nobody works a case to the second (`<time datetime>` has them)."""
    if value is None:
        return ""
    language = languages.current_language()
    if language == "fa":
        local = value.astimezone(ZoneInfo(str(get_timezone())))
        jalali = jdatetime.datetime.fromgregorian(datetime=local)
        text = f"{jalali.day} {JALALI_MONTHS[jalali.month - 1]} {jalali.year}"
        if with_time:
            text += f"، {local:%H:%M}"
        return digits.native_digits(text, "fa")
    if not with_time:
        return digits.native_digits(format_datetime(value, "d MMM y"), language)
    locale = get_locale()
    pattern = str(locale.datetime_formats["medium"]).format(
        locale.time_formats["short"].pattern, locale.date_formats["medium"].pattern
    )
    return digits.native_digits(format_datetime(value, pattern), language)


def local_day(value: date | None, with_year: bool = True) -> str:
    """A calendar day (no time, no zone shift): Jalali with Persian digits in `fa`."""
    if value is None:
        return ""
    language = languages.current_language()
    if language == "fa":
        jalali = jdatetime.date.fromgregorian(date=value)
        text = f"{jalali.day} {JALALI_MONTHS[jalali.month - 1]}"
        return digits.native_digits(f"{text} {jalali.year}" if with_year else text, "fa")
    return digits.native_digits(format_date(value, "d MMM y" if with_year else "d MMM"), language)
