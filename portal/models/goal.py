"""SMART goals: a KPI metric, an owner, a period and a target; actuals are computed, not stored."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.models._base import UTCDateTime, utcnow
from portal.models.enums import GoalDirection, GoalOwnerKind


class Goal(db.Model):
    """A measurable, time-bound target for an agent, a queue, a tier or the whole team."""

    __tablename__ = "goals"
    __table_args__ = (sa.Index("ix_goals_period", "period_start", "period_end"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    metric: Mapped[str] = mapped_column(sa.String(60))
    owner_kind: Mapped[GoalOwnerKind]
    owner_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    owner_queue_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("queues.id", ondelete="CASCADE")
    )
    owner_tier: Mapped[int | None] = mapped_column(sa.SmallInteger)
    period_start: Mapped[date] = mapped_column(sa.Date)
    period_end: Mapped[date] = mapped_column(sa.Date)
    target: Mapped[float] = mapped_column(sa.Float)
    direction: Mapped[GoalDirection] = mapped_column(default=GoalDirection.AT_LEAST)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    # Progress percentages that raise an alert, e.g. "75,100"; those already alerted.
    thresholds: Mapped[str] = mapped_column(
        sa.String(60), default="75,100", server_default="75,100"
    )
    alerted_thresholds: Mapped[str] = mapped_column(sa.String(60), default="")
    # Percentage points behind the expected progress that count as "behind" (and alert once
    # per fall behind; `behind_alerted` is cleared when the goal catches up).
    behind_margin: Mapped[int] = mapped_column(default=10, server_default="10")
    behind_alerted: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
