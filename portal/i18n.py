"""Languages, text direction, time zones, Jalali dates and native digits for templates."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import jdatetime
from flask import Flask, current_app, request, session
from flask_babel import format_date, format_datetime, get_locale, get_timezone, get_translations
from flask_babel import gettext as _
from flask_babel.speaklater import LazyString
from flask_login import current_user
from jinja2 import pass_eval_context
from markupsafe import Markup, escape

from portal.extensions import babel
from portal.text import render_markdown

LANGUAGES = {"en": "English", "fa": "فارسی", "ar": "العربية"}
RTL_LANGUAGES = {"fa", "ar"}
PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
ARABIC_INDIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
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
    if not name:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def current_language() -> str:
    return str(get_locale() or "en").split("_")[0]


def text_direction(language: str | None = None) -> str:
    return "rtl" if (language or current_language()) in RTL_LANGUAGES else "ltr"


def native_digits(value, language: str | None = None) -> str:
    """Persian digits in `fa`; Arabic-Indic digits in `ar` when ARABIC_INDIC_DIGITS is on.
    Escaped text (a translation) is changed as text, so `&#34;` never becomes `&#۳۴;`."""
    if isinstance(value, Markup):
        return escape(native_digits(value.unescape(), language))
    text = str(value)
    language = language or current_language()
    if language == "fa":
        return text.translate(PERSIAN_DIGITS)
    if language == "ar" and current_app.config.get("ARABIC_INDIC_DIGITS"):
        return text.translate(ARABIC_INDIC_DIGITS)
    return text


def local_date(value: datetime | None, with_time: bool = True) -> str:
    """A UTC timestamp in the reader's zone: Jalali with Persian digits in `fa`, Gregorian else."""
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
    return native_digits(format_datetime(value, "medium" if with_time else "d MMM y"), language)


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


def business_minutes(value: float | None) -> str:
    """A duration in minutes as hours and minutes ("2 h 5 min"), in the reader's digits."""
    if value is None:
        return "—"
    total = round(value)
    hours, minutes = divmod(total, 60)
    if hours:
        text = _("%(hours)s h %(minutes)s min", hours=hours, minutes=minutes)
    else:
        text = _("%(minutes)s min", minutes=minutes)
    return native_digits(text)


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


def init_app(app: Flask) -> None:
    app.config.setdefault("ARABIC_INDIC_DIGITS", False)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(
        __import__("pathlib").Path(__file__).resolve().parent / "translations"
    )
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    _text_translations(app)
    app.jinja_env.filters["local_date"] = local_date
    app.jinja_env.filters["digits"] = native_digits
    app.jinja_env.filters["local_day"] = local_day
    app.jinja_env.filters["business_minutes"] = business_minutes
    app.jinja_env.filters["markdown"] = render_markdown

    @app.context_processor
    def inject_language():
        language = current_language()
        return {
            "current_language": language,
            "text_direction": text_direction(language),
            "languages": LANGUAGES,
        }
