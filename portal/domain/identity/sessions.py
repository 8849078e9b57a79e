"""Sign-in and server-side sessions: checking credentials with throttling per address and
client IP, opening, loading and ending a session (only a token's hash is kept), and ending
every session of a user, as a password change or a deactivation does."""

from __future__ import annotations

import functools
import secrets
from datetime import timedelta

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

from portal.domain.identity import logins
from portal.extensions import db
from portal.kernel import audit
from portal.kernel.errors import TooManyAttempts
from portal.models import AddressLink, LoginAttempt, PasswordResetToken, User, UserSession
from portal.models._base import utcnow

SESSION_TOUCH_SECONDS = 60


@functools.cache
def _dummy_hash(method: str) -> str:
    """Compared against when the address is unknown, so both answers take the same time."""
    return generate_password_hash("casework-no-such-user", method=method)


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
    email = logins.normalize_email(email)
    failures = _recent_failures(email, ip_address)
    limit = current_app.config["LOGIN_MAX_FAILURES"]
    if len(failures) >= limit:
        window = timedelta(minutes=current_app.config["LOGIN_LOCKOUT_MINUTES"])
        retry_after = failures[-limit].attempted_at + window - utcnow()
        audit.record("user.login", ip_address=ip_address, outcome="throttled", email=email)
        raise TooManyAttempts(max(1, int(retry_after.total_seconds())))
    user = logins.find_user(email)
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
            token_hash=logins.hash_token(token),
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
        db.select(UserSession).where(UserSession.token_hash == logins.hash_token(token))
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
            .where(
                UserSession.token_hash == logins.hash_token(token),
                UserSession.revoked_at.is_(None),
            )
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
        query = query.where(UserSession.token_hash != logins.hash_token(except_token))
    now = utcnow()
    db.session.execute(query.values(revoked_at=now))
    for model in (PasswordResetToken, AddressLink):
        db.session.execute(
            db.update(model)
            .where(model.user_id == user.id, model.used_at.is_(None))
            .values(used_at=now)
        )


def deactivate(user: User, *, by: User, ip_address=None) -> None:
    """Disable a login: its live sessions are refused at the next request."""
    user.is_active = False
    revoke_sessions(user)
    audit.record("user.deactivate", by=by, subject=user, ip_address=ip_address)
