"""What the app and its templates get: Flask-Babel bound with the locale and time zone
selectors, translations that are text (never markup), the locale filters worked out per
request, and the language and direction every page's layout reads (`init_app`)."""

from __future__ import annotations

from flask import Flask
from flask_babel import get_translations
from flask_babel.speaklater import LazyString
from jinja2 import pass_context, pass_eval_context
from markupsafe import Markup, escape

from portal.extensions import babel
from portal.i18n import bidi, dates, digits, languages, quantities, timezones, typed_days
from portal.text import render_markdown


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
    "local_date": dates.local_date,
    "digits": digits.native_digits,
    "local_day": dates.local_day,
    "business_minutes": quantities.business_minutes,
    "duration": quantities.duration,
    "file_size": quantities.file_size,
    "day_input": typed_days.day_input,
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
        __import__("pathlib").Path(__file__).resolve().parent.parent / "translations"
    )
    babel.init_app(
        app, locale_selector=languages.select_locale, timezone_selector=timezones.select_timezone
    )
    _text_translations(app)
    for name, function in LOCALE_FILTERS.items():
        app.jinja_env.filters[name] = _per_request(function)
    app.jinja_env.filters["isolate"] = bidi.isolate
    app.jinja_env.filters["bdi"] = bidi.bdi
    app.jinja_env.globals["day_example"] = typed_days.day_example
    app.jinja_env.filters["markdown"] = render_markdown

    @app.context_processor
    def inject_language():
        language = languages.current_language()
        return {
            "current_language": language,
            "text_direction": languages.text_direction(language),
            "languages": languages.LANGUAGES,
        }
