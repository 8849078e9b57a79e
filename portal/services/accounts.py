"""Sign-up, sign-in, server-side sessions, password reset and deactivation of users."""

from __future__ import annotations

import functools
import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

from portal.extensions import db
from portal.models import (
    Account,
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
from portal.services import audit, mail
from portal.services.errors import DomainError, TooManyAttempts

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


class EmailTaken(DomainError):
    """Another user already signs in with this address."""


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


def register_customer(
    *, email: str, name: str, password: str, language: str | None = None, ip_address=None
) -> User:
    """Create a customer login and its Contact, under the Account whose verified domain matches."""
    email = normalize_email(email)
    if find_user(email) is not None:
        raise EmailTaken(email)
    domain = email.rsplit("@", 1)[-1]
    account = db.session.scalar(
        db.select(Account).where(Account.email_domain == domain, Account.is_domain_verified)
    )
    contact = Contact(name=name.strip(), email=email, language=language, account=account)
    if account is not None:
        contact.roles.append(ContactRole(account_id=account.id, kind=ContactRoleKind.REQUESTER))
    user = User(
        email=email,
        name=name.strip(),
        password_hash=hash_password(password),
        role=Role.CUSTOMER,
        contact=contact,
        language=language,
    )
    db.session.add(user)
    db.session.flush()
    audit.record("user.register", by=user, subject=user, ip_address=ip_address)
    return user


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
    """End every session of a user (but the current one, if given) and every open reset token."""
    query = db.update(UserSession).where(
        UserSession.user_id == user.id, UserSession.revoked_at.is_(None)
    )
    if except_token:
        query = query.where(UserSession.token_hash != hash_token(except_token))
    now = utcnow()
    db.session.execute(query.values(revoked_at=now))
    db.session.execute(
        db.update(PasswordResetToken)
        .where(PasswordResetToken.user_id == user.id, PasswordResetToken.used_at.is_(None))
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
    """Email a reset link if the address belongs to an active user; say nothing either way."""
    user = find_user(email)
    if user is None or not user.is_active:
        audit.record("user.password_reset_request", ip_address=ip_address, outcome="unknown")
        return
    token = secrets.token_urlsafe(32)
    minutes = current_app.config["PASSWORD_RESET_MINUTES"]
    db.session.add(
        PasswordResetToken(
            user=user,
            token_hash=hash_token(token),
            expires_at=utcnow() + timedelta(minutes=minutes),
        )
    )
    link = f"{current_app.config['BASE_URL']}/password/reset/{token}"
    mail.send_template(
        "password_reset",
        to=user.email,
        language=user.language,
        name=user.name,
        link=link,
        minutes=minutes,
    )
    audit.record("user.password_reset_request", by=user, subject=user, ip_address=ip_address)


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
    set_password(row.user, password, ip_address=ip_address)
    return row.user


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
