"""Forms of the customer portal. Only the fields listed here are ever read from a request."""

from __future__ import annotations

import secrets

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from wtforms import (
    HiddenField,
    MultipleFileField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from portal.forms import Form, to_int
from portal.infra.attachments import Upload
from portal.kernel.labels import CATEGORY_LABELS, PRIORITY_LABELS, contact_option

STATUS_FILTERS = ("open", "pending", "resolved", "closed", "all")


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
