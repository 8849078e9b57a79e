"""The CRM core: Accounts (organisations), Contacts (people) and the roles contacts hold."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models._base import UTCDateTime, utcnow
from portal.models.enums import ContactRoleKind


class Account(db.Model):
    """A customer organisation; its entitlement picks the SLA policy."""

    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), index=True)
    email_domain: Mapped[str | None] = mapped_column(sa.String(253), index=True)
    is_domain_verified: Mapped[bool] = mapped_column(default=False)
    entitlement: Mapped[str] = mapped_column(sa.String(40), default="standard")
    # use_alter: users -> contacts -> accounts -> users is a cycle; this key is added last.
    owner_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL", use_alter=True)
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    owner: Mapped[User | None] = relationship()  # noqa: F821
    contacts: Mapped[list[Contact]] = relationship(back_populates="account")


class Contact(db.Model):
    """One person, defined once, usually under an Account."""

    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), index=True)
    email: Mapped[str | None] = mapped_column(sa.String(254), index=True)
    phone: Mapped[str | None] = mapped_column(sa.String(40))
    language: Mapped[str | None] = mapped_column(sa.String(8))
    account_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("accounts.id", ondelete="SET NULL"), index=True
    )
    # Set when this contact was merged into another (the survivor); the row stays for undo.
    merged_into_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("contacts.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    account: Mapped[Account | None] = relationship(back_populates="contacts")
    user: Mapped[User | None] = relationship(back_populates="contact")  # noqa: F821
    roles: Mapped[list[ContactRole]] = relationship(
        back_populates="contact", cascade="all, delete-orphan"
    )


class ContactRole(db.Model):
    """How a contact relates to an account or a case; one contact may hold several."""

    __tablename__ = "contact_roles"
    __table_args__ = (
        sa.UniqueConstraint("contact_id", "account_id", "case_id", "kind", name="uq_contact_roles"),
        sa.CheckConstraint(
            "(account_id IS NOT NULL) OR (case_id IS NOT NULL)", name="account_or_case"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        sa.ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    account_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    case_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[ContactRoleKind]

    contact: Mapped[Contact] = relationship(back_populates="roles")
