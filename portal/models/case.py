"""Queues, Cases, the case timeline (CaseEvent), attachments, links and routing rules."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal import numbers
from portal.extensions import db
from portal.models._base import UTCDateTime, utcnow
from portal.models.enums import CaseStatus, Channel, Direction, EventKind, Priority
from portal.models.user import queue_members

CASE_NUMBER_PREFIX = "CS-"


class Queue(db.Model):
    """A named work list at a tier (1 front line, 2 specialists, 3 experts)."""

    __tablename__ = "queues"
    __table_args__ = (sa.CheckConstraint("tier BETWEEN 1 AND 3", name="tier_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    tier: Mapped[int] = mapped_column(sa.SmallInteger, default=1, index=True)
    is_default: Mapped[bool] = mapped_column(default=False)
    auto_assign: Mapped[bool] = mapped_column(default=False)

    members: Mapped[list[User]] = relationship(  # noqa: F821
        secondary=queue_members, back_populates="queues"
    )


class Case(db.Model):
    """A customer's request. `version` guards every edit against lost updates."""

    __tablename__ = "cases"
    __table_args__ = (
        sa.CheckConstraint("tier BETWEEN 1 AND 3", name="tier_range"),
        sa.Index("ix_cases_queue_status_due", "queue_id", "status", "resolution_due_at"),
        sa.Index("ix_cases_queue_priority", "queue_id", "priority"),
        sa.Index("ix_cases_assignee_status", "assignee_id", "status"),
        sa.Index("ix_cases_requester_updated", "requester_id", "updated_at"),
        sa.Index("ix_cases_account_updated", "account_id", "updated_at"),
        sa.Index("ix_cases_account_created", "account_id", "created_at"),
        sa.Index("ix_cases_status_updated", "status", "updated_at"),
        sa.Index("ix_cases_created", "created_at"),
        sa.Index("ix_cases_first_responded", "first_responded_at"),
        sa.Index("ix_cases_resolved", "resolved_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[CaseStatus] = mapped_column(default=CaseStatus.NEW)
    priority: Mapped[Priority] = mapped_column(default=Priority.NORMAL)
    channel: Mapped[Channel] = mapped_column(default=Channel.WEB)
    category: Mapped[str | None] = mapped_column(sa.String(60))
    product: Mapped[str | None] = mapped_column(sa.String(60))
    language: Mapped[str | None] = mapped_column(sa.String(8))
    account_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("accounts.id", ondelete="SET NULL")
    )
    requester_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("contacts.id", ondelete="SET NULL")
    )
    queue_id: Mapped[int | None] = mapped_column(sa.ForeignKey("queues.id", ondelete="SET NULL"))
    tier: Mapped[int] = mapped_column(sa.SmallInteger, default=1)
    assignee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    merged_into_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("cases.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    first_response_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolution_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the earliest running SLA clock reaches its warning share (set by services.sla).
    sla_warning_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sla_paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sla_paused_minutes: Mapped[int] = mapped_column(default=0)
    version: Mapped[int] = mapped_column(default=1)
    # Facts the KPI module aggregates, kept by services.case_metrics on every write so that
    # reports are sums over columns instead of a replay of each case's history.
    opened_tier: Mapped[int] = mapped_column(sa.SmallInteger, default=1, server_default="1")
    first_response_minutes: Mapped[int | None]
    resolution_minutes: Mapped[int | None]
    agent_replies: Mapped[int] = mapped_column(default=0, server_default="0")
    reopen_count: Mapped[int] = mapped_column(default=0, server_default="0")
    # The new-case form's one-time key: a double submit finds the case made by the first.
    submission_key: Mapped[str | None] = mapped_column(sa.String(64), unique=True)

    account: Mapped[Account | None] = relationship()  # noqa: F821
    requester: Mapped[Contact | None] = relationship()  # noqa: F821
    queue: Mapped[Queue | None] = relationship()
    assignee: Mapped[User | None] = relationship()  # noqa: F821
    events: Mapped[list[CaseEvent]] = relationship(
        back_populates="case", order_by="CaseEvent.created_at, CaseEvent.id"
    )
    contact_roles: Mapped[list[ContactRole]] = relationship(  # noqa: F821
        cascade="all, delete-orphan"
    )
    attachments: Mapped[list[Attachment]] = relationship(order_by="Attachment.id", viewonly=True)

    __mapper_args__ = {"version_id_col": version}

    @property
    def number(self) -> str:
        """The public case number, derived from the id so it can never collide."""
        return f"{CASE_NUMBER_PREFIX}{self.id:06d}"

    @staticmethod
    def id_from_number(number: str) -> int | None:
        """Parse `CS-000123`, `cs-123` or `123`, in Western, Persian or Arabic-Indic digits; None
        if it is not the number of a row that can exist (1 to 2^31 - 1)."""
        text = numbers.to_ascii_digits(number.strip().upper())
        if text.startswith(CASE_NUMBER_PREFIX):
            text = text[len(CASE_NUMBER_PREFIX) :]
        if not text.isascii() or not text.isdigit():
            return None
        return numbers.parse_id(text)


class CaseEvent(db.Model):
    """One entry of the case timeline. Internal notes are never shown to customers."""

    __tablename__ = "case_events"
    __table_args__ = (sa.Index("ix_case_events_case_created", "case_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"))
    kind: Mapped[EventKind]
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    contact_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("contacts.id", ondelete="SET NULL")
    )
    body: Mapped[str] = mapped_column(sa.Text, default="")
    field: Mapped[str | None] = mapped_column(sa.String(40))
    old_value: Mapped[str | None] = mapped_column(sa.String(200))
    new_value: Mapped[str | None] = mapped_column(sa.String(200))
    channel: Mapped[Channel | None]
    direction: Mapped[Direction | None]
    duration_seconds: Mapped[int | None]
    occurred_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship(back_populates="events")
    author: Mapped[User | None] = relationship()  # noqa: F821
    attachments: Mapped[list[Attachment]] = relationship(back_populates="event")

    @property
    def is_public(self) -> bool:
        return self.kind == EventKind.PUBLIC_REPLY


class CaseFollower(db.Model):
    """A staff member who worked a case (replied, wrote a note, was assigned, escalated it).

    The row itself lets them keep reading the case whatever its tier (authz.case_filter);
    `is_following` only says whether they hear of its later updates (they may unfollow).
    """

    __tablename__ = "case_followers"
    __table_args__ = (sa.Index("ix_case_followers_user_case", "user_id", "case_id"),)

    case_id: Mapped[int] = mapped_column(
        sa.ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    is_following: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Attachment(db.Model):
    """A file in the upload folder under a random name, served only through an authorized view."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("case_events.id", ondelete="SET NULL"), index=True
    )
    storage_name: Mapped[str] = mapped_column(sa.String(64), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(255))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size_bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    is_internal: Mapped[bool] = mapped_column(default=False)
    uploaded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped[CaseEvent | None] = relationship(back_populates="attachments")


class CaseLink(db.Model):
    """Two related cases (follow-up, related, duplicate)."""

    __tablename__ = "case_links"
    __table_args__ = (sa.UniqueConstraint("from_case_id", "to_case_id", name="uq_case_links_pair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    from_case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"))
    to_case_id: Mapped[int] = mapped_column(
        sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(sa.String(20), default="related")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Macro(db.Model):
    """A canned reply in one language; {contact_name}, {case_number}, {subject}, {agent_name}
    are filled in when it is used."""

    __tablename__ = "macros"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    language: Mapped[str] = mapped_column(sa.String(8), default="en")
    body: Mapped[str] = mapped_column(sa.Text)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RoutingRule(db.Model):
    """Where a new case goes: the first matching rule by position wins; empty fields match all."""

    __tablename__ = "routing_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(default=100, index=True)
    category: Mapped[str | None] = mapped_column(sa.String(60))
    account_id: Mapped[int | None] = mapped_column(sa.ForeignKey("accounts.id", ondelete="CASCADE"))
    entitlement: Mapped[str | None] = mapped_column(sa.String(40))
    channel: Mapped[Channel | None]
    queue_id: Mapped[int] = mapped_column(sa.ForeignKey("queues.id", ondelete="CASCADE"))
    priority: Mapped[Priority | None]
    is_active: Mapped[bool] = mapped_column(default=True)

    queue: Mapped[Queue] = relationship()
