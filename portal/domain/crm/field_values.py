"""What the CRM accepts in its fields: addresses, domains, languages, entitlements, owners.

The account and contact forms and the contact import clean their input here and refuse a
value with a CrmError naming the form field it belongs to, so that a form and an import report
the same mistake in the same words.
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l

from portal.extensions import db
from portal.i18n import LANGUAGES
from portal.kernel.errors import DomainError
from portal.models import SLAPolicy

DEFAULT_ENTITLEMENT = "standard"
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


class CrmError(DomainError):
    """A value the CRM refuses; `field` names the form field it belongs to."""

    status = 400

    def __init__(self, message, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def clean_email(email: str | None) -> str | None:
    """The address in its normalized form (domain lowercased); CrmError when malformed."""
    text = (email or "").strip()
    if not text:
        return None
    try:
        return validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise CrmError(
            _l("Not a valid email address: %(reason)s", reason=str(error)), "email"
        ) from None


def clean_domain(domain: str | None) -> str | None:
    """An email domain such as `example.com` (lowercase, no @, no scheme); None when empty."""
    text = (domain or "").strip().lower().lstrip("@")
    if not text:
        return None
    try:
        text = text.encode("idna").decode("ascii")
    except UnicodeError:
        raise CrmError(_l("Not a valid domain, e.g. example.com."), "email_domain") from None
    if not _DOMAIN.match(text):
        raise CrmError(_l("Not a valid domain, e.g. example.com."), "email_domain")
    return text


def clean_language(language: str | None) -> str | None:
    """`fa`, `fa-IR` or `FA` -> `fa`; CrmError for a language the portal does not speak."""
    text = (language or "").strip().lower().replace("_", "-").split("-")[0]
    if not text:
        return None
    if text not in LANGUAGES:
        raise CrmError(
            _l("Unknown language; use one of %(codes)s.", codes=", ".join(LANGUAGES)), "language"
        )
    return text


def entitlements() -> list[str]:
    """Entitlements that have SLA policies, plus the default."""
    found = set(db.session.scalars(sa.select(SLAPolicy.entitlement).distinct()))
    return sorted(found | {DEFAULT_ENTITLEMENT})
