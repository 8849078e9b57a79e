"""Forms of the accounts and contacts pages (CRM). Only the fields listed here are read."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired, FileSize
from wtforms import BooleanField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from portal.forms import Form, IntegerField, to_int
from portal.i18n import LANGUAGES

MAX_IMPORT_BYTES = 5 * 1024 * 1024


class AccountForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    email_domain = StringField(
        _l("Email domain"), validators=[Optional(), Length(max=253)], render_kw={"dir": "ltr"}
    )
    is_domain_verified = BooleanField(_l("The domain is verified (its people are this account)"))
    entitlement = SelectField(_l("Entitlement (picks the SLA policy)"))
    owner_id = SelectField(_l("Owner"), coerce=to_int)

    def set_choices(self, entitlements: list[str], staff) -> None:
        self.entitlement.choices = [SelectChoice(value, value) for value in entitlements]
        self.owner_id.choices = [SelectChoice(0, _l("Nobody"))] + [
            SelectChoice(user.id, user.name) for user in staff
        ]


class ContactForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    email = StringField(
        _l("Email"), validators=[Optional(), Length(max=254)], render_kw={"dir": "ltr"}
    )
    phone = StringField(
        _l("Phone"), validators=[Optional(), Length(max=40)], render_kw={"dir": "ltr"}
    )
    language = SelectField(
        _l("Language"),
        choices=[SelectChoice("", _l("Not set"))]
        + [SelectChoice(code, name) for code, name in LANGUAGES.items()],
        default="",
    )
    account = StringField(
        _l("Account (name or email domain)"), validators=[Optional(), Length(max=253)]
    )


class ImportForm(Form):
    file = FileField(
        _l("CSV file"),
        validators=[
            FileRequired(_l("Choose a CSV file.")),
            FileSize(MAX_IMPORT_BYTES, message=_l("The file is larger than 5 MB.")),
        ],
    )
    dry_run = BooleanField(_l("Only check the file; create nothing"))


class MergeForm(Form):
    survivor = IntegerField(validators=[InputRequired()], low=1)
    duplicate = IntegerField(validators=[InputRequired()], low=1)


class ConfirmForm(Form):
    """A button with a CSRF token (undo a merge)."""
