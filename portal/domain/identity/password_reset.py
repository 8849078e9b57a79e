"""Password reset by emailed link: the request (queued, so that neither the answer nor its
timing tells who has an account), the single-use link and its email, and using it, which sets
the password and proves the address."""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import current_app

from portal.domain.identity import addresses, logins, passwords
from portal.extensions import db
from portal.infra import mail, outbox
from portal.kernel import audit, links
from portal.models import AddressProof, PasswordResetToken, User
from portal.models._base import utcnow

# The outbox kind of a password reset request: delivered after the response (see
# `request_password_reset`).
RESET_REQUEST_KIND = "account.password_reset"


def request_password_reset(email: str, *, ip_address=None) -> None:
    """Ask for a reset link: the same work and the same answer whatever the address.

    Only the request is queued here (one outbox row); whether the address has a login, the
    token and the email are worked out by `send_password_reset` once the response has been
    sent, so neither the answer nor its timing tells who has an account.
    """
    outbox.enqueue(
        RESET_REQUEST_KIND, {"email": logins.normalize_email(email)[:254], "ip_address": ip_address}
    )


@outbox.handler(RESET_REQUEST_KIND, after_response=True)
def send_password_reset(payload: dict) -> None:
    """Email a reset link if the address belongs to an active user (within the hourly cap)."""
    user = logins.find_user(payload.get("email") or "")
    ip_address = payload.get("ip_address")
    if user is None or not user.is_active:
        audit.record("user.password_reset_request", ip_address=ip_address, outcome="unknown")
        return
    if logins.account_mail_cap_reached(user.email):
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
            token_hash=logins.hash_token(token),
            expires_at=utcnow() + timedelta(minutes=minutes),
        )
    )
    return links.password_reset_url(token), minutes


def _live_reset_token(token: str) -> PasswordResetToken | None:
    if not token or not token.strip():
        return None
    row = db.session.scalar(
        db.select(PasswordResetToken).where(
            PasswordResetToken.token_hash == logins.hash_token(token)
        )
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
    passwords.set_password(user, password, ip_address=ip_address)
    if user.email_verified_at is None:
        # The link came to the address: the mailbox's owner now holds the only password, so
        # a registration someone else started with this address is the owner's from now on.
        addresses.verify_address(user, via=AddressProof.PASSWORD_RESET)
    return user
