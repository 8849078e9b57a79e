"""What every form of the portal shares: native digits in validation messages and typed days
that follow the reader's calendar (Jalali in Persian)."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import StringField

from portal import i18n


class Form(FlaskForm):
    """A FlaskForm whose validation messages show numbers in the reader's digits.

    WTForms formats its own messages with Western digits ("at most 200 characters") and so do
    our validators; the numbers are put in the reader's digits once, here, so that every form
    says "۸" in Persian. Messages added by a view after validation format their own numbers.
    """

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            if isinstance(field.errors, list):  # FormField and FieldList keep nested errors
                field.errors = [_native(error) for error in field.errors]
        self._errors = None
        return valid


def _native(error):
    """A message (str or lazy string) in the reader's digits; anything nested as it is."""
    return error if isinstance(error, dict | list) else i18n.native_digits(str(error))


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
