"""Moves of a case to a higher tier, and what the supervisor did with them."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models._base import UTCDateTime, utcnow
from portal.models.enums import EscalationState


class Escalation(db.Model):
    """One escalation; `requested_by_id` is empty when the SLA sweep asked for it."""

    __tablename__ = "escalations"
    __table_args__ = (sa.Index("ix_escalations_state_created", "state", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    from_tier: Mapped[int] = mapped_column(sa.SmallInteger)
    to_tier: Mapped[int] = mapped_column(sa.SmallInteger)
    from_queue_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("queues.id", ondelete="SET NULL")
    )
    to_queue_id: Mapped[int | None] = mapped_column(sa.ForeignKey("queues.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(sa.String(200))
    handoff_note: Mapped[str] = mapped_column(sa.Text, default="")
    requested_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    handled_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    state: Mapped[EscalationState] = mapped_column(default=EscalationState.OPEN)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    case: Mapped[Case] = relationship()  # noqa: F821
