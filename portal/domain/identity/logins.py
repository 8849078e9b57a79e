"""What every identity step needs about a login: its address in one form, the login found by
that address, the hash kept of a token (never the token itself), and the hourly cap on the
account emails sent to an address. Shared by sign-in, password reset and registration."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from portal.extensions import db
from portal.models import AddressLink, PasswordResetToken, User
from portal.models._base import utcnow


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def normalize_email(email: str) -> str:
    return email.strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(db.select(User).where(User.email == normalize_email(email)))


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
