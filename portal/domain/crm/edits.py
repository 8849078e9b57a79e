"""Creating and changing accounts and contacts, each change recorded field by field.

The write path of the CRM records: values are cleaned first, a person is defined once (no
second contact with the same email address), and each update's audit row lists every changed
field with its old and new value.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from portal.domain.crm.field_values import (
    DEFAULT_ENTITLEMENT,
    CrmError,
    clean_domain,
    clean_email,
    clean_language,
)
from portal.domain.crm.matching import is_valid_phone, normalize_phone
from portal.extensions import db
from portal.i18n import isolate
from portal.kernel import audit
from portal.models import Account, Contact, User


def _changes(record, values: dict) -> dict:
    """Apply `values` to `record`; return {field: [old, new]} for those that changed."""
    changed = {}
    for name, value in values.items():
        old = getattr(record, name)
        if old != value:
            changed[name] = [old, value]
            setattr(record, name, value)
    return changed


def _account_values(
    name: str, email_domain: str | None, is_domain_verified: bool, entitlement: str, owner_id
) -> dict:
    name = (name or "").strip()
    if not name:
        raise CrmError(_l("An account needs a name."), "name")
    return {
        "name": name,
        "email_domain": clean_domain(email_domain),
        "is_domain_verified": bool(is_domain_verified) and bool(email_domain),
        "entitlement": (entitlement or DEFAULT_ENTITLEMENT).strip(),
        "owner_id": owner_id or None,
    }


def create_account(
    *,
    name: str,
    by: User | None,
    email_domain: str | None = None,
    is_domain_verified: bool = False,
    entitlement: str = DEFAULT_ENTITLEMENT,
    owner_id: int | None = None,
) -> Account:
    """A new account; its entitlement picks the SLA policies of its cases."""
    account = Account(
        **_account_values(name, email_domain, is_domain_verified, entitlement, owner_id)
    )
    db.session.add(account)
    db.session.flush()
    audit.record("account.create", by=by, subject=account, name=account.name)
    return account


def update_account(
    account: Account,
    *,
    name: str,
    by: User | None,
    email_domain: str | None = None,
    is_domain_verified: bool = False,
    entitlement: str = DEFAULT_ENTITLEMENT,
    owner_id: int | None = None,
) -> dict:
    """Change an account; the audit row lists each changed field with its old and new value."""
    changed = _changes(
        account, _account_values(name, email_domain, is_domain_verified, entitlement, owner_id)
    )
    if changed:
        db.session.flush()
        audit.record("account.update", by=by, subject=account, changes=_jsonable(changed))
    return changed


def _jsonable(changed: dict) -> dict:
    return {
        name: [None if v is None else v if isinstance(v, bool | int) else str(v) for v in pair]
        for name, pair in changed.items()
    }


def _check_email_free(email: str | None, *, other_than: Contact | None = None) -> None:
    """A person is defined once: no second contact with the same address (any case; merged
    contacts count too, so that undoing a merge cannot bring back a second one)."""
    if email is None:
        return
    query = sa.select(Contact).where(sa.func.lower(Contact.email) == email.lower())
    if other_than is not None:
        query = query.where(Contact.id != other_than.id)
    existing = db.session.scalars(query.limit(1)).first()
    if existing is not None:
        raise CrmError(
            _l("%(name)s already has this email address.", name=isolate(existing.name)), "email"
        )


def _contact_values(name, email, phone, language, account: Account | None) -> dict:
    name = " ".join((name or "").split())
    if not name:
        raise CrmError(_l("A contact needs a name."), "name")
    if not is_valid_phone(phone):
        raise CrmError(
            _l("Not a phone number: use digits, spaces, dashes and an optional leading +."),
            "phone",
        )
    return {
        "name": name,
        "email": clean_email(email),
        "phone": normalize_phone(phone),
        "language": clean_language(language),
        "account_id": account.id if account is not None else None,
    }


def create_contact(
    *,
    name: str,
    by: User | None,
    email: str | None = None,
    phone: str | None = None,
    language: str | None = None,
    account: Account | None = None,
) -> Contact:
    """A new contact; refused (CrmError) when another contact has the same email address."""
    values = _contact_values(name, email, phone, language, account)
    _check_email_free(values["email"])
    contact = Contact(**values)
    db.session.add(contact)
    db.session.flush()
    audit.record("contact.create", by=by, subject=contact, name=contact.name)
    return contact


def update_contact(
    contact: Contact,
    *,
    name: str,
    by: User | None,
    email: str | None = None,
    phone: str | None = None,
    language: str | None = None,
    account: Account | None = None,
) -> dict:
    """Change a contact (not one merged away: edit the survivor instead)."""
    if contact.merged_into_id is not None:
        raise CrmError(_l("This contact was merged into another; edit that one instead."))
    values = _contact_values(name, email, phone, language, account)
    if (values["email"] or "").lower() != (contact.email or "").lower():
        _check_email_free(values["email"], other_than=contact)
    changed = _changes(contact, values)
    if changed:
        db.session.flush()
        audit.record("contact.update", by=by, subject=contact, changes=_jsonable(changed))
    return changed
