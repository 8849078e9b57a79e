"""In-app notifications for staff, and the SLA sweep's record of what it already acted on."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models._base import UTCDateTime, utcnow


class Notification(db.Model):
    """One message in a staff member's inbox; `read_at` is empty until they mark it read.

    `kind` picks the translated headline shown with it; `text` is the detail (a reason,
    guidance, the customer's words or the case subject) as it was written.
    """

    __tablename__ = "notifications"
    __table_args__ = (
        sa.Index("ix_notifications_user_read", "user_id", "read_at"),
        sa.Index("ix_notifications_user_created", "user_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(40))
    case_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    # The timeline entry it is about (a reply, a status change, an escalation), if any: the
    # notification links to it on the case page (`#event-<id>`).
    event_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("case_events.id", ondelete="SET NULL"), index=True
    )
    text: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    case: Mapped[Case | None] = relationship()  # noqa: F821


class SLANotification(db.Model):
    """A warning, breach notice or escalation the SLA sweep has done, at most once per key.

    The unique key (case, kind, due time) is what makes the sweep idempotent: a sweep first
    inserts the row (skipping on conflict) and only acts when its own insert went in.
    """

    __tablename__ = "sla_notifications"
    __table_args__ = (
        sa.UniqueConstraint("case_id", "kind", "due_at", name="uq_sla_notifications_case_kind_due"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(30))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
