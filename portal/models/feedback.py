"""Voice of the customer: survey answers (CSAT, NPS) and feedback items."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.models._base import UTCDateTime, utcnow
from portal.models.enums import Channel, FeedbackKind, FeedbackStatus, Sentiment


class Feedback(db.Model):
    """A CSAT (1-5) or NPS (0-10) answer, or a complaint, suggestion, compliment or question."""

    __tablename__ = "feedback"
    __table_args__ = (
        sa.Index("ix_feedback_kind_created", "kind", "created_at"),
        sa.Index("ix_feedback_status_owner", "status", "owner_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[FeedbackKind]
    channel: Mapped[Channel] = mapped_column(default=Channel.WEB)
    score: Mapped[int | None] = mapped_column(sa.SmallInteger)
    summary: Mapped[str] = mapped_column(sa.String(200), default="")
    detail: Mapped[str] = mapped_column(sa.Text, default="")
    sentiment: Mapped[Sentiment | None]
    status: Mapped[FeedbackStatus] = mapped_column(default=FeedbackStatus.NEW)
    case_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("cases.id", ondelete="SET NULL"), index=True
    )
    contact_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("contacts.id", ondelete="SET NULL"), index=True
    )
    account_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("accounts.id", ondelete="SET NULL"), index=True
    )
    agent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    queue_id: Mapped[int | None] = mapped_column(sa.ForeignKey("queues.id", ondelete="SET NULL"))
    tier: Mapped[int | None] = mapped_column(sa.SmallInteger)
    owner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    themes: Mapped[str] = mapped_column(sa.String(400), default="")
    response: Mapped[str] = mapped_column(sa.Text, default="")
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
