"""Native digits: numbers in Persian digits in `fa` (and Arabic-Indic ones in `ar` when the
site turns them on), with the Arabic decimal separator. Every figure a reader sees passes
through here."""

from __future__ import annotations

import re

from flask import current_app
from markupsafe import Markup, escape

from portal.i18n import languages

PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
ARABIC_INDIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
ARABIC_DECIMAL_SEPARATOR = "\u066b"
_DECIMAL_POINT = re.compile(r"(?<=[0-9])\.(?=[0-9])")


def native_digits(value, language: str | None = None) -> str:
    """Persian digits in `fa`; Arabic-Indic digits in `ar` when ARABIC_INDIC_DIGITS is on. With
    those digits a decimal point is the Arabic decimal separator (۳٫۵)."""
    if isinstance(value, Markup):
        return escape(native_digits(value.unescape(), language))
    text = str(value)
    language = language or languages.current_language()
    if language == "fa":
        return _DECIMAL_POINT.sub(ARABIC_DECIMAL_SEPARATOR, text).translate(PERSIAN_DIGITS)
    if language == "ar" and current_app.config.get("ARABIC_INDIC_DIGITS"):
        return _DECIMAL_POINT.sub(ARABIC_DECIMAL_SEPARATOR, text).translate(ARABIC_INDIC_DIGITS)
    return text
