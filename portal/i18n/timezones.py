"""Time zones: the reader's zone, which zones count as valid (both date formatters know them),
and the zones a person picks from, labelled by country and city in the reader's language."""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import babel.core as babel_core
import pytz
from babel.dates import get_timezone_location
from flask import current_app
from flask_babel import gettext as _
from flask_login import current_user

from portal.i18n import bidi, collation, digits, languages


def select_timezone() -> str:
    """The signed-in user's time zone, else the site default."""
    if current_user and current_user.is_authenticated and is_valid_timezone(current_user.timezone):
        return current_user.timezone
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def is_valid_timezone(name: str | None) -> bool:
    """Whether both date formatters know the zone: Flask-Babel (pytz) and zoneinfo. zoneinfo
    alone also reads `posixrules` or `right/UTC` from the system's files, which pytz refuses:
    such a stored zone broke every page with a date (issue 13), so it is not valid here."""
    if not name or name not in pytz.all_timezones_set:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


# The zones a person picks from: every country's zones (the tz database's zone.tab, as pytz
# has it) that both formatters know, and UTC. Old aliases (US/Eastern, Asia/Calcutta) still
# work for a user who has one, but are not offered.
TIMEZONE_COUNTRIES = {
    zone: country for country, zones in pytz.country_timezones.items() for zone in zones
}
TIMEZONES = frozenset(zone for zone in [*TIMEZONE_COUNTRIES, "UTC"] if is_valid_timezone(zone))


def _utc_offset(zone: str, moment: datetime) -> str:
    offset = moment.astimezone(ZoneInfo(zone)).utcoffset()
    minutes = round(offset.total_seconds() / 60) if offset is not None else 0
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{rest:02d}"


@functools.lru_cache(maxsize=16)
def _timezone_options(language: str, day: date) -> tuple[tuple[str, str], ...]:
    """(zone, label) for every picker zone, labelled "Iran — Tehran (UTC+03:30)" in `language`
    (country and city names from CLDR, through Babel), ordered by country then city. Offsets
    are today's, so they follow daylight saving time."""
    locale = babel_core.Locale.parse(language)
    moment = datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=12)
    options = []
    for zone in TIMEZONES - {"UTC"}:
        country = locale.territories.get(TIMEZONE_COUNTRIES[zone], TIMEZONE_COUNTRIES[zone])
        city = get_timezone_location(zone, locale=locale, return_city=True)
        city = city.rsplit("/", 1)[-1]  # zones without a CLDR city name come as their path
        offset = bidi.isolate(digits.native_digits(_utc_offset(zone, moment), language))
        label = f"{country} — {city} ({offset})"
        options.append((collation.sort_key(country), collation.sort_key(city), zone, label))
    options.sort()
    utc_name = _("Coordinated Universal Time")
    utc = ("UTC", f"{utc_name} ({bidi.isolate(digits.native_digits('UTC+00:00', language))})")
    return (utc, *((zone, label) for _country, _city, zone, label in options))


def timezone_choices(keep: str | None = None) -> list[tuple[str, str]]:
    """The zones a person may pick, in the reader's language; `keep` (the user's own zone) is
    offered as well when the formatters know it though it is not in TIMEZONES (an old alias),
    so that saving the profile never changes it behind their back."""
    choices = list(_timezone_options(languages.current_language(), datetime.now(UTC).date()))
    if keep and keep not in TIMEZONES and is_valid_timezone(keep):
        choices.insert(0, (keep, keep))
    return choices
