"""SLA policies, the business-hours calendars they count in, and recorded breaches."""

from __future__ import annotations

from datetime import date, datetime, time

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models._base import UTCDateTime, utcnow
from portal.models.enums import Priority


class BusinessCalendar(db.Model):
    """Working hours in a time zone. `weekdays` is ISO weekday digits, e.g. "12345" or "67123"."""

    __tablename__ = "business_calendars"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(80), unique=True)
    timezone: Mapped[str] = mapped_column(sa.String(64), default="UTC")
    weekdays: Mapped[str] = mapped_column(sa.String(7), default="12345")
    opens_at: Mapped[time] = mapped_column(sa.Time, default=time(9, 0))
    closes_at: Mapped[time] = mapped_column(sa.Time, default=time(17, 0))

    holidays: Mapped[list[Holiday]] = relationship(
        back_populates="calendar", cascade="all, delete-orphan", order_by="Holiday.day"
    )


class Holiday(db.Model):
    """A whole day on which the calendar's clock does not run."""

    __tablename__ = "holidays"
    __table_args__ = (sa.UniqueConstraint("calendar_id", "day", name="uq_holidays_calendar_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    calendar_id: Mapped[int] = mapped_column(
        sa.ForeignKey("business_calendars.id", ondelete="CASCADE")
    )
    day: Mapped[date] = mapped_column(sa.Date)
    name: Mapped[str] = mapped_column(sa.String(80), default="")

    calendar: Mapped[BusinessCalendar] = relationship(back_populates="holidays")


class SLAPolicy(db.Model):
    """Targets in business minutes for one entitlement and priority."""

    __tablename__ = "sla_policies"
    __table_args__ = (
        sa.UniqueConstraint("entitlement", "priority", name="uq_sla_policies_entitlement_priority"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entitlement: Mapped[str] = mapped_column(sa.String(40))
    priority: Mapped[Priority]
    first_response_minutes: Mapped[int]
    resolution_minutes: Mapped[int]
    warning_percent: Mapped[int] = mapped_column(default=80)
    calendar_id: Mapped[int] = mapped_column(sa.ForeignKey("business_calendars.id"))

    calendar: Mapped[BusinessCalendar] = relationship()


class SLABreach(db.Model):
    """A missed target, stored as a fact: which clock, when it was due, and by how much."""

    __tablename__ = "sla_breaches"
    __table_args__ = (sa.UniqueConstraint("case_id", "metric", "due_at", name="uq_sla_breaches"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    metric: Mapped[str] = mapped_column(sa.String(20))  # first_response | resolution
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    breached_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    overdue_minutes: Mapped[int] = mapped_column(default=0)
