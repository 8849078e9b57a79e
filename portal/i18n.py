"""Languages, text direction, time zones, Jalali dates and native digits for templates."""

from __future__ import annotations

import functools
import re
import unicodedata
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import babel.core as babel_core
import jdatetime
import pytz
from babel.dates import get_timezone_location
from flask import Flask, current_app, request, session
from flask_babel import (
    format_date,
    format_datetime,
    get_locale,
    get_timezone,
    get_translations,
    ngettext,
)
from flask_babel import gettext as _
from flask_babel.speaklater import LazyString
from flask_login import current_user
from jinja2 import pass_context, pass_eval_context
from markupsafe import Markup, escape

from portal.extensions import babel
from portal.kernel.numbers import ASCII_DIGITS
from portal.kernel.text import render_markdown

LANGUAGES = {"en": "English", "fa": "فارسی", "ar": "العربية"}
RTL_LANGUAGES = {"fa", "ar"}
PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
ARABIC_INDIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
# Embeddings, overrides and isolates: stripped from text before it is isolated, so a name
# cannot close our isolate early or turn the rest of the line around.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
FIRST_STRONG_ISOLATE, POP_DIRECTIONAL_ISOLATE = "\u2068", "\u2069"
ARABIC_DECIMAL_SEPARATOR = "\u066b"
_DECIMAL_POINT = re.compile(r"(?<=[0-9])\.(?=[0-9])")
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


def select_locale() -> str:
    """The signed-in user's language, else the one chosen this session, else the browser's."""
    if current_user and current_user.is_authenticated and current_user.language in LANGUAGES:
        return current_user.language
    chosen = session.get("language")
    if chosen in LANGUAGES:
        return chosen
    return (
        request.accept_languages.best_match(list(LANGUAGES))
        or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


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


# Alphabetical order for names in Latin, Persian or Arabic script: accents do not count (Å
# after A), and the Persian letters come after the Arabic letter they extend (پ after ب, گ
# after ک) instead of after every Arabic letter, where their code points put them.
_PERSIAN_ORDER = str.maketrans(
    {"پ": "ب\uffff", "چ": "ج\uffff", "ژ": "ز\uffff", "ک": "ك", "گ": "ك\uffff", "ی": "ي", "ى": "ي"}
)


def sort_key(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).translate(_PERSIAN_ORDER)


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
        offset = isolate(native_digits(_utc_offset(zone, moment), language))
        label = f"{country} — {city} ({offset})"
        options.append((sort_key(country), sort_key(city), zone, label))
    options.sort()
    utc_name = _("Coordinated Universal Time")
    utc = ("UTC", f"{utc_name} ({isolate(native_digits('UTC+00:00', language))})")
    return (utc, *((zone, label) for _country, _city, zone, label in options))


def timezone_choices(keep: str | None = None) -> list[tuple[str, str]]:
    """The zones a person may pick, in the reader's language; `keep` (the user's own zone) is
    offered as well when the formatters know it though it is not in TIMEZONES (an old alias),
    so that saving the profile never changes it behind their back."""
    choices = list(_timezone_options(current_language(), datetime.now(UTC).date()))
    if keep and keep not in TIMEZONES and is_valid_timezone(keep):
        choices.insert(0, (keep, keep))
    return choices


def current_language() -> str:
    return str(get_locale() or "en").split("_")[0]


def text_direction(language: str | None = None) -> str:
    return "rtl" if (language or current_language()) in RTL_LANGUAGES else "ltr"


def native_digits(value, language: str | None = None) -> str:
    """Persian digits in `fa`; Arabic-Indic digits in `ar` when ARABIC_INDIC_DIGITS is on. With
    those digits a decimal point is the Arabic decimal separator (۳٫۵)."""
    if isinstance(value, Markup):
        return escape(native_digits(value.unescape(), language))
    text = str(value)
    language = language or current_language()
    if language == "fa":
        return _DECIMAL_POINT.sub(ARABIC_DECIMAL_SEPARATOR, text).translate(PERSIAN_DIGITS)
    if language == "ar" and current_app.config.get("ARABIC_INDIC_DIGITS"):
        return _DECIMAL_POINT.sub(ARABIC_DECIMAL_SEPARATOR, text).translate(ARABIC_INDIC_DIGITS)
    return text


def isolate(value) -> str:
    """Plain text that keeps its own direction inside a sentence of the other direction:
    wrapped in FIRST STRONG ISOLATE ... POP DIRECTIONAL ISOLATE. For places where tags are not
    allowed (<option> text, flash messages, email subjects and plain-text emails); in HTML
    prefer `bdi`."""
    return f"{FIRST_STRONG_ISOLATE}{_BIDI_CONTROLS.sub('', str(value))}{POP_DIRECTIONAL_ISOLATE}"


def bdi(value) -> Markup:
    """`value` escaped inside <bdi>, for names, emails and numbers inside translated HTML."""
    return Markup("<bdi>{}</bdi>").format(value)


def local_date(value: datetime | None, with_time: bool = True) -> str:
    """A UTC timestamp in the reader's zone to the minute: Jalali with Persian digits in `fa`,
    Gregorian else. No seconds: nobody works a case to the second (`<time datetime>` has them)."""
    if value is None:
        return ""
    language = current_language()
    if language == "fa":
        local = value.astimezone(ZoneInfo(str(get_timezone())))
        jalali = jdatetime.datetime.fromgregorian(datetime=local)
        text = f"{jalali.day} {JALALI_MONTHS[jalali.month - 1]} {jalali.year}"
        if with_time:
            text += f"، {local:%H:%M}"
        return native_digits(text, "fa")
    if not with_time:
        return native_digits(format_datetime(value, "d MMM y"), language)
    locale = get_locale()
    pattern = str(locale.datetime_formats["medium"]).format(
        locale.time_formats["short"].pattern, locale.date_formats["medium"].pattern
    )
    return native_digits(format_datetime(value, pattern), language)


def local_day(value: date | None, with_year: bool = True) -> str:
    """A calendar day (no time, no zone shift): Jalali with Persian digits in `fa`."""
    if value is None:
        return ""
    language = current_language()
    if language == "fa":
        jalali = jdatetime.date.fromgregorian(date=value)
        text = f"{jalali.day} {JALALI_MONTHS[jalali.month - 1]}"
        return native_digits(f"{text} {jalali.year}" if with_year else text, "fa")
    return native_digits(format_date(value, "d MMM y" if with_year else "d MMM"), language)


def _days(count: int) -> str:
    return ngettext("%(count)s d", "%(count)s d", count, count=native_digits(count))


def _hours(count: int) -> str:
    return ngettext("%(count)s h", "%(count)s h", count, count=native_digits(count))


def _minutes(count: int) -> str:
    return ngettext("%(count)s min", "%(count)s min", count, count=native_digits(count))


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
            "%(count)s byte", "%(count)s bytes", size_bytes, count=native_digits(size_bytes)
        )
    if size_bytes < 1024 * 1024:
        return _("%(size)s KB", size=native_digits(-(-size_bytes // 1024)))
    megabytes = size_bytes / (1024 * 1024)
    shown = f"{megabytes:.1f}" if megabytes < 10 else f"{megabytes:.0f}"
    return _("%(size)s MB", size=native_digits(shown))


# --- Typed days ------------------------------------------------------------------------------

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
                example=isolate(day_example()),
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
    if current_language() == "fa":
        jalali = jdatetime.date.fromgregorian(date=value)
        return native_digits(f"{jalali.year:04d}/{jalali.month:02d}/{jalali.day:02d}", "fa")
    return native_digits(value.isoformat())


def day_example() -> str:
    """An example day in the reader's input format, for placeholders and hints."""
    return day_input(date(2026, 11, 1))


def _lazy_text_as_html(lazy: LazyString) -> Markup:
    return escape(str(lazy))


def _text_translations(app: Flask) -> None:
    """Translations are text, never markup.

    Jinja's i18n extension marks whatever `_()` returns as safe HTML, and Flask-Babel's lazy
    strings (`_l`) declare themselves safe (`__html__` returns the raw text). So a
    translation holding a quote or `>` ended an attribute early: the agent search box showed
    "Words," and printed `2026-01-01">` beside itself. Here the translated text is escaped
    before it is formatted: `%(name)s` values are still escaped by Markup's formatting, a
    Markup value (a macro's output) goes in as it is, and plain-text templates (the .txt
    emails) get the text unescaped.
    """
    LazyString.__html__ = _lazy_text_as_html

    def as_text(eval_ctx, text: str) -> str:
        return escape(text) if eval_ctx.autoescape else text

    app.jinja_env.install_gettext_callables(
        gettext=pass_eval_context(
            lambda ctx, string: as_text(ctx, get_translations().ugettext(string))
        ),
        ngettext=pass_eval_context(
            lambda ctx, singular, plural, n: as_text(
                ctx, get_translations().ungettext(singular, plural, n)
            )
        ),
        pgettext=pass_eval_context(
            lambda ctx, context, string: as_text(ctx, get_translations().upgettext(context, string))
        ),
        npgettext=pass_eval_context(
            lambda ctx, context, singular, plural, n: as_text(
                ctx, get_translations().unpgettext(context, singular, plural, n)
            )
        ),
        newstyle=True,
    )


LOCALE_FILTERS = {
    "local_date": local_date,
    "digits": native_digits,
    "local_day": local_day,
    "business_minutes": business_minutes,
    "duration": duration,
    "file_size": file_size,
    "day_input": day_input,
}


def _per_request(function):
    """A filter whose output depends on the reader's language or time zone. Marked as needing
    the render context so that Jinja never works it out once, at compile time, for a literal
    (`1700|digits` would otherwise keep the digits of whoever first loaded the template)."""

    @pass_context
    def filter_(_context, value, *args, **kwargs):
        return function(value, *args, **kwargs)

    filter_.__name__ = function.__name__
    filter_.__doc__ = function.__doc__
    return filter_


def init_app(app: Flask) -> None:
    app.config.setdefault("ARABIC_INDIC_DIGITS", False)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(
        __import__("pathlib").Path(__file__).resolve().parent / "translations"
    )
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    _text_translations(app)
    for name, function in LOCALE_FILTERS.items():
        app.jinja_env.filters[name] = _per_request(function)
    app.jinja_env.filters["isolate"] = isolate
    app.jinja_env.filters["bdi"] = bdi
    app.jinja_env.globals["day_example"] = day_example
    app.jinja_env.filters["markdown"] = render_markdown

    @app.context_processor
    def inject_language():
        language = current_language()
        return {
            "current_language": language,
            "text_direction": text_direction(language),
            "languages": LANGUAGES,
        }
