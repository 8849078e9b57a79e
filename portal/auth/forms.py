"""Sign-in, registration, password and profile forms."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from portal.domain.identity import MAX_PASSWORD_LENGTH, password_problem
from portal.forms import Form
from portal.i18n import LANGUAGES, is_valid_timezone, timezone_choices


def new_password_rules(form, field) -> None:
    problem = password_problem(field.data or "")
    if problem:
        raise ValidationError(problem)


def language_choices():
    return [SelectChoice(code, name) for code, name in LANGUAGES.items()]


class LoginForm(Form):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(
        _l("Password"), validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)]
    )
    remember = BooleanField(_l("Keep me signed in on this device"))
    next = HiddenField()


class RegisterForm(Form):
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(
        _l("Email"), validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)]
    )
    password = PasswordField(_l("Password"), validators=[DataRequired(), new_password_rules])
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))],
    )
    language = SelectField(_l("Language"), choices=language_choices, default="en")


class ConfirmAddressForm(Form):
    """Confirm a registration's address; the password is asked when the browser is not
    signed in as that login (the view decides)."""

    password = PasswordField(
        _l("The password you chose"), validators=[Optional(), Length(max=MAX_PASSWORD_LENGTH)]
    )


class AcceptInvitationForm(Form):
    password = PasswordField(
        _l("Choose a password"), validators=[DataRequired(), new_password_rules]
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))],
    )


class ResendLinkForm(Form):
    """ "Send the link again": a button with a CSRF token."""


class ForgotPasswordForm(Form):
    email = EmailField(
        _l("Email"), validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)]
    )


class ResetPasswordForm(Form):
    password = PasswordField(_l("New password"), validators=[DataRequired(), new_password_rules])
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))],
    )


class ChangePasswordForm(ResetPasswordForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])


class ProfileForm(Form):
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=120)])
    language = SelectField(_l("Language"), choices=language_choices)
    timezone = SelectField(_l("Time zone"), validate_choice=False)  # choices: adapt_to
    notify_by_email = BooleanField(_l("Email me when my cases change"))
    STAFF_NOTIFY_LABEL = _l(
        "Email me my notifications too (customer replies, assignments, escalations, SLA alerts)"
    )

    def adapt_to(self, user) -> ProfileForm:
        """Staff are emailed about the cases they work, not requests of their own: say so.
        The time zones offered are those the date formatter knows (and the user's own, if it
        knows that); a stored zone it does not know shows as the zone pages use instead."""
        if user.is_staff:
            self.notify_by_email.label.text = self.STAFF_NOTIFY_LABEL
        self.timezone.choices = timezone_choices(keep=user.timezone)
        if not self.is_submitted() and not is_valid_timezone(self.timezone.data):
            self.timezone.data = current_app.config["BABEL_DEFAULT_TIMEZONE"]
        return self

    def validate_timezone(self, field) -> None:
        if field.data not in {value for value, _label in field.choices or ()}:
            raise ValidationError(_l("Choose a time zone from the list."))


class LanguageForm(Form):
    language = SelectField(choices=language_choices)
    next = HiddenField()


class LogoutForm(Form):
    """Sign-out is a POST with a CSRF token, so no page can sign a user out behind their back."""
