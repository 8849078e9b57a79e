"""Self-registration and invitations: a login is linked to a company or a contact only once
its address is proven by an emailed link.

- A self-registration makes a *pending* customer login (no contact, no account) and emails a
  link to confirm the address (`REGISTRATION_LINK_HOURS`, 48 h). Until the link is followed the
  login may sign in only to be told to check its inbox (and ask for the link again). Following
  it asks for the password chosen at registration (unless this browser is already signed in
  as that login): an address someone else registered cannot be confirmed by a click of its
  owner. Then `addresses.verify_address` gives the login its contact.
- Registering an address that already has a login answers exactly like a new registration;
  the address's owner is emailed that an account exists, with a reset link.
- An agent may invite a contact that has an address and no login: the link
  (`INVITATION_LINK_DAYS`, 7 days) lets the person choose a password, and the login is made
  for that contact, verified by the act of following the link.

Links carry 32 random bytes from `secrets` (256 bits); only their SHA-256 is stored; each works
once and expires; they are built on BASE_URL, never on the request's Host. Their emails leave
once the request has been answered (`mail.ACCOUNT_EMAIL_KIND`).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from portal.domain.identity import addresses, logins, password_reset, passwords
from portal.extensions import db
from portal.i18n import isolate
from portal.infra import mail
from portal.kernel import audit, links
from portal.kernel.errors import DomainError
from portal.models import AddressLink, AddressProof, Contact, LinkPurpose, Role, User
from portal.models._base import utcnow


class LinkInvalid(DomainError):
    """The link is unknown, used, expired, or no longer fits its login or contact."""

    status = 404


class WrongPassword(DomainError):
    """Confirming a registration from a browser not signed in needs its password."""


class InvitationRefused(DomainError):
    """The contact cannot be invited (or the invitation accepted); `reason` says why."""

    status = 409

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


URLS = {
    LinkPurpose.REGISTRATION: links.registration_confirm_url,
    LinkPurpose.INVITATION: links.invitation_url,
}


def _lifetime(purpose: LinkPurpose) -> timedelta:
    config = current_app.config
    if purpose is LinkPurpose.INVITATION:
        return timedelta(days=config["INVITATION_LINK_DAYS"])
    return timedelta(hours=config["REGISTRATION_LINK_HOURS"])


def _issue_link(
    purpose: LinkPurpose,
    email: str,
    *,
    user: User | None = None,
    contact: Contact | None = None,
    by: User | None = None,
) -> tuple[str, AddressLink]:
    """A new link row (hashed token) and the URL to email, on BASE_URL."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    link = AddressLink(
        purpose=purpose,
        token_hash=logins.hash_token(token),
        email=email,
        user=user,
        contact=contact,
        created_by=by,
        created_at=now,
        expires_at=now + _lifetime(purpose),
    )
    db.session.add(link)
    return URLS[purpose](token), link


def _live_link(token: str, purpose: LinkPurpose) -> AddressLink | None:
    """The unused, unexpired link of this purpose with this token, or None (empty and
    whitespace tokens included)."""
    if not token or not token.strip():
        return None
    link = db.session.scalar(
        sa.select(AddressLink).where(
            AddressLink.token_hash == logins.hash_token(token), AddressLink.purpose == purpose
        )
    )
    if link is None or link.used_at is not None or link.expires_at <= utcnow():
        return None
    return link


def _close_links(*, user: User | None = None, contact: Contact | None = None) -> None:
    """Mark every open link of a login or a contact used (one was followed)."""
    column, value = (
        (AddressLink.user_id, user.id) if user is not None else (AddressLink.contact_id, contact.id)
    )
    db.session.execute(
        sa.update(AddressLink)
        .where(column == value, AddressLink.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )


# --- self-registration -----------------------------------------------------------------------


def register_customer(
    *, email: str, name: str, password: str, language: str | None = None, ip_address=None
) -> User | None:
    """A self-registration: a pending customer login, and a link to confirm its address.

    When a login already uses the address, nothing is made: its owner is emailed that an
    account exists, with a reset link, and None is returned. The caller answers the same
    either way; the password is hashed on both paths (the costly step), and both emails
    leave after the answer.
    """
    email = logins.normalize_email(email)
    password_hash = passwords.hash_password(password)
    existing = logins.find_user(email)
    if existing is None:
        user = User(
            email=email,
            name=name.strip(),
            password_hash=password_hash,
            role=Role.CUSTOMER,
            language=language,
        )
        try:
            with db.session.begin_nested():
                db.session.add(user)
        except sa.exc.IntegrityError:  # the same address registered a moment ago
            existing = logins.find_user(email)
        else:
            _send_registration_link(user)
            audit.record("user.register", by=user, subject=user, ip_address=ip_address)
            return user
    _tell_account_exists(existing, ip_address=ip_address)
    return None


def _send_registration_link(user: User) -> None:
    url, _link = _issue_link(LinkPurpose.REGISTRATION, user.email, user=user)
    mail.send_template(
        "confirm_address",
        to=user.email,
        language=user.language,
        name=user.name,
        link=url,
        hours=current_app.config["REGISTRATION_LINK_HOURS"],
        after_response=True,
    )


def _tell_account_exists(user: User | None, *, ip_address=None) -> None:
    """Email the owner of a taken address that an account exists, with a reset link."""
    audit.record("user.register", subject=user, ip_address=ip_address, outcome="address_taken")
    if user is None or not user.is_active or logins.account_mail_cap_reached(user.email):
        return
    reset_url, minutes = password_reset.issue_reset_link(user)
    mail.send_template(
        "account_exists",
        to=user.email,
        language=user.language,
        name=user.name,
        reset_link=reset_url,
        login_link=links.sign_in_url(),
        minutes=minutes,
        after_response=True,
    )


def resend_registration_link(user: User, *, ip_address=None) -> bool:
    """Email a pending login a new link (earlier ones keep working until one is followed).
    False when the login is not pending or its address had its hourly share of emails."""
    if not user.is_pending or not user.is_active or logins.account_mail_cap_reached(user.email):
        return False
    _send_registration_link(user)
    audit.record("user.resend_link", by=user, subject=user, ip_address=ip_address)
    return True


def registration_link_user(token: str) -> User | None:
    """The pending login a live registration link confirms, or None."""
    link = _live_link(token, LinkPurpose.REGISTRATION)
    if link is None or link.user is None:
        return None
    user = link.user
    if not user.is_pending or not user.is_active or link.email != user.email:
        return None
    return user


def confirm_registration(
    token: str, *, password: str | None, signed_in: User | None, ip_address=None
) -> User:
    """Follow a registration link: the address is proven and the login gets its contact.

    From a browser not signed in as that login, the password chosen at registration is
    needed too (WrongPassword otherwise). LinkInvalid when the link is dead.
    """
    user = registration_link_user(token)
    if user is None:
        raise LinkInvalid(token)
    same_login = signed_in is not None and signed_in.id == user.id
    if not same_login and not passwords.verify_password(user, password or ""):
        audit.record(
            "user.confirm_address", by=user, subject=user, ip_address=ip_address, outcome="failed"
        )
        raise WrongPassword()
    _close_links(user=user)
    addresses.verify_address(user, via=AddressProof.REGISTRATION)
    return user


# --- invitations -----------------------------------------------------------------------------


def invitation_problem(contact: Contact) -> str | None:
    """Why this contact cannot be invited to the portal, or None."""
    if contact.merged_into_id is not None:
        return _l("This contact was merged into another; invite that one instead.")
    if not contact.email:
        return _l("This contact has no email address to send an invitation to.")
    if contact.user is not None:
        return _l("This contact already has a login.")
    owner = logins.find_user(contact.email)
    if owner is not None and not owner.is_pending:
        return _l(
            "Another login already uses %(email)s. Change the contact's address, or merge the "
            "contacts.",
            email=isolate(contact.email),
        )
    return None


def invite_contact(contact: Contact, *, by: User, ip_address=None) -> AddressLink:
    """Email a contact a link to choose a password for the portal (InvitationRefused when
    `invitation_problem` has a reason)."""
    problem = invitation_problem(contact)
    if problem is not None:
        raise InvitationRefused(problem)
    email = logins.normalize_email(contact.email)
    if logins.account_mail_cap_reached(email):
        raise InvitationRefused(
            _l("This address was sent several account emails in the last hour; try later.")
        )
    url, link = _issue_link(LinkPurpose.INVITATION, email, contact=contact, by=by)
    mail.send_template(
        "invitation",
        to=email,
        language=contact.language,
        name=contact.name,
        inviter=by.name,
        link=url,
        days=current_app.config["INVITATION_LINK_DAYS"],
        after_response=True,
    )
    audit.record("contact.invite", by=by, subject=contact, ip_address=ip_address, email=email)
    return link


@dataclass
class OpenInvitation:
    sent_at: datetime
    expires_at: datetime
    sent_by: User | None


def open_invitation(contact: Contact) -> OpenInvitation | None:
    """The newest invitation of this contact that can still be accepted, for its page."""
    link = db.session.scalar(
        sa.select(AddressLink)
        .where(
            AddressLink.contact_id == contact.id,
            AddressLink.purpose == LinkPurpose.INVITATION,
            AddressLink.used_at.is_(None),
            AddressLink.expires_at > utcnow(),
        )
        .order_by(AddressLink.created_at.desc(), AddressLink.id.desc())
        .limit(1)
    )
    if link is None:
        return None
    return OpenInvitation(
        sent_at=link.created_at, expires_at=link.expires_at, sent_by=link.created_by
    )


def invitation_contact(token: str) -> Contact | None:
    """The contact a live invitation link is for, while it can still be accepted, or None."""
    link = _live_link(token, LinkPurpose.INVITATION)
    if link is None or link.contact is None:
        return None
    contact = link.contact
    if (
        contact.merged_into_id is not None
        or contact.user is not None
        or logins.normalize_email(contact.email or "") != link.email
    ):
        return None
    owner = logins.find_user(link.email)
    if owner is not None and not owner.is_pending:
        return None
    return contact


def accept_invitation(token: str, *, password: str, language: str | None, ip_address=None) -> User:
    """Follow an invitation: a customer login for the contact with the chosen password, its
    address verified by the act. A pending self-registration of the same address becomes this
    login (its password replaced, its sessions ended). LinkInvalid when the link is dead."""
    link = _live_link(token, LinkPurpose.INVITATION)
    contact = invitation_contact(token)
    if link is None or contact is None:
        raise LinkInvalid(token)
    user = logins.find_user(link.email)
    if user is None:
        user = User(
            email=link.email,
            name=contact.name,
            password_hash=passwords.hash_password(password),
            role=Role.CUSTOMER,
            language=language or contact.language,
            created_by_id=link.created_by_id,
        )
        db.session.add(user)
        db.session.flush()
    else:
        passwords.set_password(user, password, ip_address=ip_address)
        user.language = language or user.language
    _close_links(contact=contact)
    _close_links(user=user)
    addresses.verify_address(user, via=AddressProof.INVITATION, contact=contact)
    audit.record(
        "contact.invitation_accepted",
        by=user,
        subject=contact,
        ip_address=ip_address,
        invited_by_id=link.created_by_id,
    )
    return user
