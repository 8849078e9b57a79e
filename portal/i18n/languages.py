"""The portal's languages and the reader's one: English, Persian and Arabic, which of them are
written right to left, and how a request's language is chosen (the user's, the session's,
the browser's)."""

from __future__ import annotations

from flask import current_app, request, session
from flask_babel import get_locale
from flask_login import current_user

LANGUAGES = {"en": "English", "fa": "فارسی", "ar": "العربية"}
RTL_LANGUAGES = {"fa", "ar"}


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


def current_language() -> str:
    return str(get_locale() or "en").split("_")[0]


def text_direction(language: str | None = None) -> str:
    return "rtl" if (language or current_language()) in RTL_LANGUAGES else "ltr"
