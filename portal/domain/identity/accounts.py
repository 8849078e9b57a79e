"""Sign-in, server-side sessions, passwords and their reset, verified addresses, deactivation.

Self-registration and invitations (the emailed links that prove an address) are in
`registration`; `verify_address` here is where a proven login gets its contact.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

from portal.extensions import db
from portal.infra import mail, outbox
from portal.kernel import audit
from portal.kernel.errors import TooManyAttempts
from portal.models import (
    Account,
    AddressLink,
    AddressProof,
    Contact,
    ContactRole,
    ContactRoleKind,
    LoginAttempt,
    PasswordResetToken,
    Role,
    User,
    UserSession,
)
from portal.models._base import utcnow

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 128
SESSION_TOUCH_SECONDS = 60
# The most common passwords of public breach corpora that meet the length rule.
COMMON_PASSWORDS = frozenset(
    [
        "12345678",
        "123456789",
        "1234567890",
        "password",
        "password1",
        "password123",
        "qwertyuiop",
        "iloveyou",
        "11111111",
        "00000000",
        "abc12345",
        "12341234",
        "qwerty123",
        "1q2w3e4r",
        "1qaz2wsx",
        "sunshine",
        "princess",
        "football",
        "baseball",
        "welcome1",
        "letmein1",
        "passw0rd",
        "trustno1",
        "superman",
        "starwars",
        "computer",
        "whatever",
        "87654321",
        "88888888",
        "asdfghjkl",
        "zaq12wsx",
        "qwertyui",
        "q1w2e3r4",
        "123qweasd",
    ]
)


# The outbox kind of a password reset request: delivered after the response (see
# `request_password_reset`).
RESET_REQUEST_KIND = "account.password_reset"


def hash_password(password: str) -> str:
    """The stored form of a password: scrypt, or a cheaper method in a TESTING app."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


@functools.cache
def _dummy_hash(method: str) -> str:
    """Compared against when the address is unknown, so both answers take the same time."""
    return generate_password_hash("casework-no-such-user", method=method)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def normalize_email(email: str) -> str:
    return email.strip().lower()


def password_problem(password: str) -> str | None:
    """Why a new password is refused, or None. Length and common-password rules only (ASVS 6.2)."""
    from flask_babel import gettext as _

    if len(password) < MIN_PASSWORD_LENGTH:
        return _("Use at least %(count)d characters.", count=MIN_PASSWORD_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH:
        return _("Use at most %(count)d characters.", count=MAX_PASSWORD_LENGTH)
    if password.lower() in COMMON_PASSWORDS:
        return _("This password is too common; choose another.")
    return None


def find_user(email: str) -> User | None:
    return db.session.scalar(db.select(User).where(User.email == normalize_email(email)))


def _recent_failures(email: str, ip_address: str) -> list[LoginAttempt]:
    window = timedelta(minutes=current_app.config["LOGIN_LOCKOUT_MINUTES"])
    return db.session.scalars(
        db.select(LoginAttempt)
        .where(
            LoginAttempt.email == email,
            LoginAttempt.ip_address == ip_address,
            LoginAttempt.attempted_at > utcnow() - window,
        )
        .order_by(LoginAttempt.attempted_at)
    ).all()


def authenticate(email: str, password: str, *, ip_address: str) -> User | None:
    """The active user with these credentials, or None.

    Failures are counted per address and client IP, so a guesser is stopped without locking
    the real user out from elsewhere. Raises TooManyAttempts while throttled.
    """
    email = normalize_email(email)
    failures = _recent_failures(email, ip_address)
    limit = current_app.config["LOGIN_MAX_FAILURES"]
    if len(failures) >= limit:
        window = timedelta(minutes=current_app.config["LOGIN_LOCKOUT_MINUTES"])
        retry_after = failures[-limit].attempted_at + window - utcnow()
        audit.record("user.login", ip_address=ip_address, outcome="throttled", email=email)
        raise TooManyAttempts(max(1, int(retry_after.total_seconds())))
    user = find_user(email)
    dummy = _dummy_hash(current_app.config["PASSWORD_HASH_METHOD"])
    valid = check_password_hash(user.password_hash if user else dummy, password)
    if user is None or not valid or not user.is_active:
        db.session.add(LoginAttempt(email=email, ip_address=ip_address))
        audit.record("user.login", by=user, ip_address=ip_address, outcome="failed", email=email)
        return None
    db.session.execute(
        db.delete(LoginAttempt).where(
            LoginAttempt.email == email, LoginAttempt.ip_address == ip_address
        )
    )
    audit.record("user.login", by=user, subject=user, ip_address=ip_address)
    return user


def start_session(user: User, *, remember: bool, ip_address=None, user_agent=None) -> str:
    """Open a server-side session; the returned token goes in the cookie, only its hash is kept."""
    token = secrets.token_urlsafe(32)
    lifetime = (
        timedelta(seconds=current_app.config["REMEMBER_COOKIE_DURATION"])
        if remember
        else timedelta(hours=12)
    )
    db.session.add(
        UserSession(
            user=user,
            token_hash=hash_token(token),
            remember=remember,
            expires_at=utcnow() + lifetime,
            ip_address=ip_address,
            user_agent=(user_agent or "")[:256],
        )
    )
    user.current_session_token = token
    return token


def load_session(token: str, *, touch: bool = True) -> User | None:
    """The user of a live session; None if it was revoked, expired or idle, or the user disabled.

    `touch` off: the request does not count as activity (a page polling by itself must not
    keep an idle session alive)."""
    if not token:
        return None
    row = db.session.scalar(
        db.select(UserSession).where(UserSession.token_hash == hash_token(token))
    )
    now = utcnow()
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        return None
    idle_limit = timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])
    if not row.remember and now - row.last_seen_at > idle_limit:
        return None
    user = row.user
    if not user.is_active:
        return None
    if touch and (now - row.last_seen_at).total_seconds() > SESSION_TOUCH_SECONDS:
        row.last_seen_at = now
    user.current_session_token = token
    return user


def end_session(token: str | None, *, by: User | None = None, ip_address=None) -> None:
    """Revoke one session (logout): its cookie, remember cookie included, is refused from now on."""
    if token:
        db.session.execute(
            db.update(UserSession)
            .where(UserSession.token_hash == hash_token(token), UserSession.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )
    audit.record("user.logout", by=by, subject=by, ip_address=ip_address)


def revoke_sessions(user: User, *, except_token: str | None = None) -> None:
    """End every session of a user (but the current one, if given) and every open reset token
    and address link."""
    query = db.update(UserSession).where(
        UserSession.user_id == user.id, UserSession.revoked_at.is_(None)
    )
    if except_token:
        query = query.where(UserSession.token_hash != hash_token(except_token))
    now = utcnow()
    db.session.execute(query.values(revoked_at=now))
    for model in (PasswordResetToken, AddressLink):
        db.session.execute(
            db.update(model)
            .where(model.user_id == user.id, model.used_at.is_(None))
            .values(used_at=now)
        )


def set_password(
    user: User, password: str, *, by: User | None = None, keep_token=None, ip_address=None
) -> None:
    """Store a new password hash and end the user's other sessions."""
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    revoke_sessions(user, except_token=keep_token)
    audit.record("user.password_change", by=by or user, subject=user, ip_address=ip_address)


def verify_password(user: User, password: str) -> bool:
    return check_password_hash(user.password_hash, password)


def request_password_reset(email: str, *, ip_address=None) -> None:
    """Ask for a reset link: the same work and the same answer whatever the address.

    Only the request is queued here (one outbox row); whether the address has a login, the
    token and the email are worked out by `send_password_reset` once the response has been
    sent, so neither the answer nor its timing tells who has an account.
    """
    outbox.enqueue(
        RESET_REQUEST_KIND, {"email": normalize_email(email)[:254], "ip_address": ip_address}
    )


@outbox.handler(RESET_REQUEST_KIND, after_response=True)
def send_password_reset(payload: dict) -> None:
    """Email a reset link if the address belongs to an active user (within the hourly cap)."""
    user = find_user(payload.get("email") or "")
    ip_address = payload.get("ip_address")
    if user is None or not user.is_active:
        audit.record("user.password_reset_request", ip_address=ip_address, outcome="unknown")
        return
    if account_mail_cap_reached(user.email):
        audit.record(
            "user.password_reset_request",
            by=user,
            subject=user,
            ip_address=ip_address,
            outcome="capped",
        )
        return
    link, minutes = issue_reset_link(user)
    mail.send_template(
        "password_reset",
        to=user.email,
        language=user.language,
        name=user.name,
        link=link,
        minutes=minutes,
        after_response=True,
    )
    audit.record("user.password_reset_request", by=user, subject=user, ip_address=ip_address)


def issue_reset_link(user: User) -> tuple[str, int]:
    """A new single-use reset link for `user` (32 random bytes, only the hash kept): the link,
    on BASE_URL (never the request's Host), and its lifetime in minutes."""
    token = secrets.token_urlsafe(32)
    minutes = current_app.config["PASSWORD_RESET_MINUTES"]
    db.session.add(
        PasswordResetToken(
            user=user,
            token_hash=hash_token(token),
            expires_at=utcnow() + timedelta(minutes=minutes),
        )
    )
    return f"{current_app.config['BASE_URL']}/password/reset/{token}", minutes


def account_mail_cap_reached(email: str) -> bool:
    """Whether `email` was sent ACCOUNT_MAILS_PER_HOUR account emails (reset links, address
    links) in the last hour: nobody can use the portal to flood a mailbox."""
    since = utcnow() - timedelta(hours=1)
    user_ids = sa.select(User.id).where(User.email == email).scalar_subquery()
    resets = sa.select(sa.func.count(PasswordResetToken.id)).where(
        PasswordResetToken.user_id == user_ids, PasswordResetToken.created_at > since
    )
    links = sa.select(sa.func.count(AddressLink.id)).where(
        AddressLink.email == email, AddressLink.created_at > since
    )
    sent = (db.session.scalar(resets) or 0) + (db.session.scalar(links) or 0)
    return sent >= current_app.config["ACCOUNT_MAILS_PER_HOUR"]


def _live_reset_token(token: str) -> PasswordResetToken | None:
    if not token or not token.strip():
        return None
    row = db.session.scalar(
        db.select(PasswordResetToken).where(PasswordResetToken.token_hash == hash_token(token))
    )
    if (
        row is None
        or row.used_at is not None
        or row.expires_at <= utcnow()
        or not row.user.is_active
    ):
        return None
    return row


def reset_token_is_valid(token: str) -> bool:
    return _live_reset_token(token) is not None


def reset_password(token: str, password: str, *, ip_address=None) -> User | None:
    """Use a reset token once: set the password and end all sessions. None if the token is dead."""
    row = _live_reset_token(token)
    if row is None:
        return None
    row.used_at = utcnow()
    user = row.user
    set_password(user, password, ip_address=ip_address)
    if user.email_verified_at is None:
        # The link came to the address: the mailbox's owner now holds the only password, so
        # a registration someone else started with this address is the owner's from now on.
        verify_address(user, via=AddressProof.PASSWORD_RESET)
    return user


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
    email = normalize_email(email)
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


def deactivate(user: User, *, by: User, ip_address=None) -> None:
    """Disable a login: its live sessions are refused at the next request."""
    user.is_active = False
    revoke_sessions(user)
    audit.record("user.deactivate", by=by, subject=user, ip_address=ip_address)


def update_profile(
    user: User, *, name: str, language: str | None, timezone: str, notify_by_email: bool
) -> None:
    user.name = name.strip()
    user.language = language
    user.timezone = timezone
    user.notify_by_email = notify_by_email
    if user.contact is not None:
        user.contact.name = user.name
        user.contact.language = language


def set_language(user: User | None, language: str) -> None:
    """Remember a signed-in user's language choice."""
    if user is not None:
        user.language = language
