"""Logins, their server-side sessions, password reset and address links, failed sign-ins."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models._base import UTCDateTime, utcnow
from portal.models.enums import AddressProof, LinkPurpose, Role

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
    # When and how the address was shown to be the person's (services.registration). None: a
    # self-registration still waiting for its link; it may sign in, but files nothing, joins
    # no account and is linked to no contact.
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    email_verified_via: Mapped[AddressProof | None]
    # Who made the login: None for a self-registration, else the agent who invited the contact.
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    contact: Mapped[Contact | None] = relationship(back_populates="user")  # noqa: F821
    created_by: Mapped[User | None] = relationship(remote_side="User.id")
    queues: Mapped[list[Queue]] = relationship(  # noqa: F821
        secondary=queue_members, back_populates="members"
    )

    # Set by the user loader: the server-side session this request runs under (not a column).
    current_session_token = None

    @property
    def is_staff(self) -> bool:
        return self.role in Role.STAFF

    @property
    def is_pending(self) -> bool:
        """A customer login whose address is not confirmed yet (see `email_verified_at`)."""
        return self.role == Role.CUSTOMER and self.email_verified_at is None

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


class AddressLink(db.Model):
    """A single-use, expiring emailed link that proves an address: a self-registration's
    confirmation (`user_id`) or an agent's invitation of a contact (`contact_id`). Only the
    token's SHA-256 is stored; `email` is the address it was sent to."""

    __tablename__ = "address_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[LinkPurpose]
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    email: Mapped[str] = mapped_column(sa.String(254))
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    contact_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    contact: Mapped[Contact | None] = relationship()  # noqa: F821
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])


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
