"""What every form of the portal shares: native digits in validation messages, typed days that
follow the reader's calendar (Jalali in Persian), numbers in any of the accepted digits within
the database's range, and refusals of what a browser would never send (a missing field, a NUL).

Use this module's `IntegerField`, `NumberField` and the `to_int` / `to_id_or_none` coercions,
never WTForms' `IntegerField`, `FloatField` or `coerce=int` (tests/test_inputs.py checks).
"""

from __future__ import annotations

import math
from datetime import datetime

import wtforms
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_wtf import FlaskForm
from flask_wtf.file import FileField as FlaskFileField
from wtforms import StringField
from wtforms.validators import ValidationError

from portal import i18n, numbers
from portal.domain.cases import Upload
from portal.inputs import has_unstorable

UNSTORABLE_MESSAGE = _l(
    "This text contains a control character (such as NUL) that cannot be stored. Remove it and "
    "try again."
)
MISSING_MESSAGE = _l("This field was missing from what was sent. Reload the page and try again.")
# Fields a browser leaves out of a submission when they are empty (an unticked box, a list with
# nothing chosen, a radio group with no choice, no file) or that other pages' forms omit
# (hidden fields): their absence is a value, never an error.
MAY_BE_ABSENT = (
    wtforms.BooleanField,
    wtforms.SelectMultipleField,
    wtforms.RadioField,
    wtforms.FileField,
    wtforms.MultipleFileField,
    FlaskFileField,
    wtforms.HiddenField,
    wtforms.SubmitField,
    wtforms.FormField,
    wtforms.FieldList,
)


class Form(FlaskForm):
    """A FlaskForm that refuses what a browser would never send, and whose validation messages
    show numbers in the reader's digits.

    - A field missing from a submission never takes the edited object's value (WTForms'
      fallback, which gave a text field an Account and an AttributeError: issue 13). On a form
      that edits a record (`obj=`) that is a form error, as the view cannot tell "unchanged"
      from "cleared"; otherwise the field is empty as in a browser's submission ("" for text,
      else its default or the view's preset) and its validators judge it. Fields a browser may
      leave out (MAY_BE_ABSENT) keep WTForms' handling.
    - A NUL or a lone surrogate in any field is that field's error: nothing is stored, on
      SQLite as on PostgreSQL, and no query is made with it.
    - WTForms formats its own messages with Western digits ("at most 200 characters") and so do
      our validators; the numbers are put in the reader's digits once, here, so that every
      form says "۸" in Persian. Messages added by a view after validation format their own
      numbers.
    """

    def process(self, formdata=None, obj=None, data=None, extra_filters=None, **kwargs):
        super().process(formdata, obj, data, extra_filters, **kwargs)
        # Values from the record being edited; presets given by the view (`data=`, keywords)
        # are of the field's own type and stand in for a missing field like a default.
        given = {name for name in self._fields if obj is not None and hasattr(obj, name)}
        self._missing = set()
        for name, field in self._fields.items():
            if field.raw_data != [] or isinstance(field, MAY_BE_ABSENT):
                continue  # sent, not a submission, or a browser may leave it out
            if field.type == "CSRFTokenField":
                continue  # Flask-WTF refuses a missing token itself
            text = isinstance(field, StringField) and not isinstance(field, DayField)
            if name in given:
                self._missing.add(name)
                field.data = "" if text else None
            elif text and field.data is None:
                field.data = ""

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for name, field in self._fields.items():
            problem = _refusal(field, missing=name in getattr(self, "_missing", ()))
            if problem is not None:
                field.errors = [problem]
                valid = False
            if isinstance(field.errors, list):  # FormField and FieldList keep nested errors
                field.errors = [_native(error) for error in field.errors]
        self._errors = None
        return valid


def _refusal(field, *, missing: bool):
    """Why a submitted field is refused whatever its validators say, or None."""
    if missing:
        return MISSING_MESSAGE
    raw = field.raw_data
    if not raw or isinstance(field, wtforms.FormField | wtforms.FieldList):
        return None  # not submitted (a GET, formdata=None), or nested fields check themselves
    if any(isinstance(value, str) and has_unstorable(value) for value in raw):
        return UNSTORABLE_MESSAGE
    return None


def _native(error):
    """A message (str or lazy string) in the reader's digits; anything nested as it is."""
    return error if isinstance(error, dict | list) else i18n.native_digits(str(error))


def to_int(value) -> int:
    """`coerce=` for choices whose values are numbers (0 for "nobody" included): a whole number
    from 0 to 2^31 - 1 in any accepted digits, else ValueError (WTForms' "not a valid choice")."""
    return numbers.parse_int(value, low=0, high=numbers.DB_INT_MAX)


def to_id_or_none(value) -> int | None:
    """`coerce=` for optional choices: "" (nothing chosen) is None, else as `to_int`."""
    if value is None or (isinstance(value, str) and value.strip() in ("", "None")):
        return None
    return to_int(value)


class IntegerField(wtforms.IntegerField):
    """A whole number in Western, Persian or Arabic-Indic digits, from `low` to `high` (by
    default 0 to 2^31 - 1, what an integer column holds). Anything else is a form error that
    gives the range; an empty value is None (for `Optional` / `InputRequired` to judge)."""

    def __init__(self, label=None, validators=None, *, low=0, high=numbers.DB_INT_MAX, **kwargs):
        render_kw = {"inputmode": "numeric", "dir": "ltr"}
        render_kw.update(kwargs.pop("render_kw", None) or {})
        super().__init__(label, validators, render_kw=render_kw, **kwargs)
        self.low, self.high = low, high

    def process_formdata(self, valuelist) -> None:
        self.data = None
        text = valuelist[0] if valuelist else ""
        if not isinstance(text, str) or not text.strip():
            return
        try:
            self.data = numbers.parse_int(text, low=self.low, high=self.high)
        except numbers.BadNumber:
            raise ValueError(
                _("Give a whole number from %(low)s to %(high)s.", low=self.low, high=self.high)
            ) from None


class NumberField(wtforms.FloatField):
    """A finite decimal number in any accepted digits, with `.` or the Arabic decimal separator
    (٫); NaN, infinities and values beyond ±`limit` are a form error."""

    def __init__(self, label=None, validators=None, *, limit=1e12, **kwargs):
        render_kw = {"inputmode": "decimal", "dir": "ltr"}
        render_kw.update(kwargs.pop("render_kw", None) or {})
        super().__init__(label, validators, render_kw=render_kw, **kwargs)
        self.limit = limit

    def process_formdata(self, valuelist) -> None:
        self.data = None
        text = valuelist[0] if valuelist else ""
        if not isinstance(text, str) or not text.strip():
            return
        cleaned = numbers.to_ascii_digits(text).strip().replace(i18n.ARABIC_DECIMAL_SEPARATOR, ".")
        try:
            value = float(cleaned) if cleaned.isascii() else math.nan
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or abs(value) > self.limit:
            raise ValueError(_("Give a number, such as 95 or 2.5."))
        self.data = value


class DayField(StringField):
    """A day typed as text: Jalali with Persian digits on Persian pages (۱۴۰۵/۰۹/۱۶), ISO
    elsewhere; either calendar and any digits are accepted (i18n.parse_day). `data` is a date.

    A browser's date picker is Gregorian only, so the input is plain text, left to right.
    """

    def __init__(self, label=None, validators=None, **kwargs):
        """Use InputRequired, not DataRequired: DataRequired would hide the parse error."""
        render_kw = {"inputmode": "numeric", "dir": "ltr", "autocomplete": "off"}
        render_kw.update(kwargs.pop("render_kw", None) or {})
        super().__init__(label, validators, render_kw=render_kw, **kwargs)

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return i18n.day_input(self.data) if self.data else ""

    def process_formdata(self, valuelist) -> None:
        self.data = None
        text = (valuelist[0] if valuelist else "").strip()
        if not text:
            self.raw_data = []  # spaces are no input: InputRequired then asks for the day
            return
        try:
            self.data = i18n.parse_day(text)
        except i18n.BadDay as error:
            raise ValueError(str(error)) from None

    def __call__(self, **kwargs):
        kwargs.setdefault("placeholder", i18n.day_example())
        return super().__call__(**kwargs)


class MomentField(DayField):
    """A day and a time of day typed as text ("۱۴۰۵/۰۹/۱۶ ۱۴:۳۰"); `data` is a naive local
    datetime, as a browser's datetime-local input would give."""

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        if not self.data:
            return ""
        return f"{i18n.day_input(self.data.date())} {i18n.native_digits(f'{self.data:%H:%M}')}"

    def process_formdata(self, valuelist) -> None:
        self.data = None
        text = (valuelist[0] if valuelist else "").strip().translate(i18n.ASCII_DIGITS)
        if not text:
            self.raw_data = []  # spaces are no input: InputRequired then asks for the moment
            return
        day_text, _sep, time_text = text.replace("T", " ").partition(" ")
        try:
            day = i18n.parse_day(day_text)
        except i18n.BadDay as error:
            raise ValueError(str(error)) from None
        try:
            moment = datetime.strptime(time_text.strip() or "-", "%H:%M").time()
        except ValueError:
            example = i18n.isolate(f"{i18n.day_example()} {i18n.native_digits('14:30')}")
            message = _(
                "Give the day and time as year-month-day hours:minutes, for example %(example)s.",
                example=example,
            )
            raise ValueError(message) from None
        self.data = datetime.combine(day, moment)

    def __call__(self, **kwargs):
        kwargs.setdefault("placeholder", f"{i18n.day_example()} {i18n.native_digits('14:30')}")
        return super().__call__(**kwargs)


def files_rule(form, field) -> None:
    """Too many files is refused before any is read."""
    files = [f for f in (field.data or []) if getattr(f, "filename", "")]
    limit = current_app.config["MAX_FILES_PER_REQUEST"]
    if len(files) > limit:
        raise ValidationError(
            ngettext(
                "Attach at most %(num)s file at a time.",
                "Attach at most %(num)s files at a time.",
                limit,
            )
        )


def uploads_from(field) -> list[Upload]:
    """The files of a file field, read into memory (the request size is already capped)."""
    return [
        Upload(name=file.filename, data=file.read())
        for file in (field.data or [])
        if getattr(file, "filename", "")
    ]
