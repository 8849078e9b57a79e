"""Forms of the customer portal. Only the fields listed here are ever read from a request."""

from __future__ import annotations

import secrets

from flask_babel import lazy_gettext as _l
from wtforms import (
    HiddenField,
    MultipleFileField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from portal.forms import Form, files_rule, to_int
from portal.kernel.labels import CATEGORY_LABELS, PRIORITY_LABELS, contact_option

STATUS_FILTERS = ("open", "pending", "resolved", "closed", "all")


class NewCaseForm(Form):
    subject = StringField(_l("Subject"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(
        _l("Describe the problem"), validators=[DataRequired(), Length(max=20000)]
    )
    category = SelectField(
        _l("Category"),
        choices=[SelectChoice(value, label) for value, label in CATEGORY_LABELS.items()],
        default="general",
    )
    product = StringField(_l("Product (optional)"), validators=[Optional(), Length(max=60)])
    priority = SelectField(_l("Priority"), default="normal")
    cc = SelectMultipleField(_l("Copy colleagues"), coerce=to_int, validators=[Optional()])
    files = MultipleFileField(_l("Attachments"), validators=[files_rule])
    submission_key = HiddenField()
    follow_up = HiddenField()

    def set_choices(self, priorities, colleagues) -> None:
        self.priority.choices = [SelectChoice(p.value, PRIORITY_LABELS[p]) for p in priorities]
        self.cc.choices = [SelectChoice(c.id, contact_option(c.name, c.email)) for c in colleagues]
        if not self.submission_key.data:
            self.submission_key.data = secrets.token_urlsafe(24)


class ReplyForm(Form):
    body = TextAreaField(_l("Your reply"), validators=[DataRequired(), Length(max=20000)])
    files = MultipleFileField(_l("Attachments"), validators=[files_rule])


class CaseActionForm(Form):
    """Solve or reopen: a button with a CSRF token."""
