"""Verified addresses: recording that a login's address is the person's, which is where a
proven customer login gets its contact (an invitation's, an existing one without a login, or
a new one under the account whose verified domain matches). Self-registration and invitations
(the emailed links that prove an address) are in `registration`."""

from __future__ import annotations

import sqlalchemy as sa

from portal.domain.identity import logins
from portal.extensions import db
from portal.kernel import audit
from portal.models import (
    Account,
    AddressProof,
    Contact,
    ContactRole,
    ContactRoleKind,
    Role,
    User,
)
from portal.models._base import utcnow


def verify_address(
    user: User, *, via: AddressProof, contact: Contact | None = None, now=None
) -> Contact | None:
    """Record that the login's address is the person's, and give a customer login its contact:
    `contact` when given (an invitation), else the active contact with this address that has
    no login yet (no duplicate is made), else a new contact under the account whose verified
    domain matches the address. Returns the contact."""
    user.email_verified_at = now or utcnow()
    user.email_verified_via = via
    if user.role == Role.CUSTOMER and user.contact is None:
        user.contact = contact or contact_without_login(user.email) or _new_contact(user)
        if user.contact.language is None:
            user.contact.language = user.language
    db.session.flush()
    audit.record(
        "user.verify_address",
        by=user,
        subject=user,
        via=via.value,
        contact_id=user.contact_id,
    )
    return user.contact


def contact_without_login(email: str) -> Contact | None:
    """The active contact with this address (any case) that no login uses yet; one under the
    account whose verified domain matches first, then the oldest."""
    email = logins.normalize_email(email)
    domain = email.rsplit("@", 1)[-1]
    in_verified_domain = sa.and_(Account.email_domain == domain, Account.is_domain_verified)
    return db.session.scalar(
        sa.select(Contact)
        .outerjoin(User, User.contact_id == Contact.id)
        .outerjoin(Account, Account.id == Contact.account_id)
        .where(
            sa.func.lower(Contact.email) == email,
            Contact.merged_into_id.is_(None),
            User.id.is_(None),
        )
        .order_by(sa.case((in_verified_domain, 0), else_=1), Contact.id)
        .limit(1)
    )


def _new_contact(user: User) -> Contact:
    """A contact for a proven login, under the account whose verified domain matches."""
    domain = user.email.rsplit("@", 1)[-1]
    account = db.session.scalar(
        db.select(Account).where(Account.email_domain == domain, Account.is_domain_verified)
    )
    contact = Contact(name=user.name, email=user.email, language=user.language, account=account)
    if account is not None:
        contact.roles.append(ContactRole(account_id=account.id, kind=ContactRoleKind.REQUESTER))
    db.session.add(contact)
    return contact
