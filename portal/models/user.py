"""Logins, their server-side sessions, password reset tokens and failed sign-in attempts."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models._base import UTCDateTime, utcnow
from portal.models.enums import Role

# A queue's members. Agents always work the queues they belong to; supervisors and admins are
# members so that its escalations reach them, and take its cases only when they joined it as
# agents (`as_agent`; see assignment.AGENT_MEMBERSHIP).
queue_members = sa.Table(
    "queue_members",
    db.metadata,
    sa.Column("queue_id", sa.ForeignKey("queues.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("as_agent", sa.Boolean, nullable=False, default=False, server_default=sa.false()),
)


class User(db.Model):
    """A login. Customers are tied to one Contact; agents have a max_tier and queues."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    password_hash: Mapped[str] = mapped_column(sa.String(256))
    role: Mapped[Role] = mapped_column(default=Role.CUSTOMER)
    max_tier: Mapped[int] = mapped_column(sa.SmallInteger, default=1)
    contact_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("contacts.id", ondelete="SET NULL"), unique=True
    )
    language: Mapped[str | None] = mapped_column(sa.String(8))
    timezone: Mapped[str] = mapped_column(sa.String(64), default="UTC")
    is_active: Mapped[bool] = mapped_column(default=True)
    is_available: Mapped[bool] = mapped_column(default=True)
    max_open_cases: Mapped[int] = mapped_column(default=25)
    last_assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    notify_by_email: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    password_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    contact: Mapped[Contact | None] = relationship(back_populates="user")  # noqa: F821
    queues: Mapped[list[Queue]] = relationship(  # noqa: F821
        secondary=queue_members, back_populates="members"
    )

    # Set by the user loader: the server-side session this request runs under (not a column).
    current_session_token = None

    @property
    def is_staff(self) -> bool:
        return self.role in (Role.AGENT, Role.SUPERVISOR, Role.ADMIN)

    # Flask-Login protocol. get_id() returns the session token, not the user id, so a
    # captured session or remember cookie dies with its server-side session row.
    is_authenticated = True
    is_anonymous = False

    def get_id(self) -> str | None:
        return self.current_session_token

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class UserSession(db.Model):
    """One signed-in browser. Revoked on logout, password change or deactivation."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    remember: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ip_address: Mapped[str | None] = mapped_column(sa.String(45))
    user_agent: Mapped[str | None] = mapped_column(sa.String(256))

    user: Mapped[User] = relationship()


class PasswordResetToken(db.Model):
    """A single-use, expiring reset token; only its SHA-256 is stored."""

    __tablename__ = "password_reset_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class LoginAttempt(db.Model):
    """A failed sign-in, kept to throttle guessing per address and client IP."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        sa.Index("ix_login_attempts_email_ip_at", "email", "ip_address", "attempted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254))
    ip_address: Mapped[str] = mapped_column(sa.String(45))
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
