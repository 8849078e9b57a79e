"""Languages, text direction, time zones, Jalali dates and native digits for templates.

The package keeps one public face: callers import from `portal.i18n`, never from its modules.
"""

from portal.i18n.bidi import FIRST_STRONG_ISOLATE, POP_DIRECTIONAL_ISOLATE, bdi, isolate
from portal.i18n.collation import sort_key
from portal.i18n.dates import JALALI_MONTHS, local_date, local_day
from portal.i18n.digits import (
    ARABIC_DECIMAL_SEPARATOR,
    ARABIC_INDIC_DIGITS,
    PERSIAN_DIGITS,
    native_digits,
)
from portal.i18n.languages import (
    LANGUAGES,
    RTL_LANGUAGES,
    current_language,
    select_locale,
    text_direction,
)
from portal.i18n.quantities import business_minutes, duration, file_size
from portal.i18n.templating import LOCALE_FILTERS, init_app
from portal.i18n.timezones import (
    TIMEZONE_COUNTRIES,
    TIMEZONES,
    is_valid_timezone,
    select_timezone,
    timezone_choices,
)
from portal.i18n.typed_days import JALALI_BEFORE, BadDay, day_example, day_input, parse_day
from portal.numbers import ASCII_DIGITS

__all__ = [
    "ARABIC_DECIMAL_SEPARATOR",
    "ARABIC_INDIC_DIGITS",
    "ASCII_DIGITS",
    "FIRST_STRONG_ISOLATE",
    "JALALI_BEFORE",
    "JALALI_MONTHS",
    "LANGUAGES",
    "LOCALE_FILTERS",
    "PERSIAN_DIGITS",
    "POP_DIRECTIONAL_ISOLATE",
    "RTL_LANGUAGES",
    "TIMEZONES",
    "TIMEZONE_COUNTRIES",
    "BadDay",
    "bdi",
    "business_minutes",
    "current_language",
    "day_example",
    "day_input",
    "duration",
    "file_size",
    "init_app",
    "is_valid_timezone",
    "isolate",
    "local_date",
    "local_day",
    "native_digits",
    "parse_day",
    "select_locale",
    "select_timezone",
    "sort_key",
    "text_direction",
    "timezone_choices",
]
