"""Passwords: the rules a new one must meet (length, not a common one), how it is stored and
checked, and setting it (which ends the user's other sessions)."""

from __future__ import annotations

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

from portal.domain.identity import sessions
from portal.kernel import audit
from portal.models import User
from portal.models._base import utcnow

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 128
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


def hash_password(password: str) -> str:
    """The stored form of a password: scrypt, or a cheaper method in a TESTING app."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


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


def set_password(
    user: User, password: str, *, by: User | None = None, keep_token=None, ip_address=None
) -> None:
    """Store a new password hash and end the user's other sessions."""
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    sessions.revoke_sessions(user, except_token=keep_token)
    audit.record("user.password_change", by=by or user, subject=user, ip_address=ip_address)


def verify_password(user: User, password: str) -> bool:
    return check_password_hash(user.password_hash, password)
