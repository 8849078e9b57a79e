"""A record of one contact merge: what moved from the duplicate to the survivor, for undo."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models._base import UTCDateTime, utcnow


class ContactMerge(db.Model):
    """The duplicate's fields as they were, and exactly which rows moved to the survivor.

    `moved` holds lists of row ids per table (`cases`, `contact_roles`, `case_events`,
    `feedback`), the moved login (`user_id`), the roles dropped because the survivor already
    held them (`dropped_roles`) and the survivor fields filled from the duplicate (`filled`).
    """

    __tablename__ = "contact_merges"

    id: Mapped[int] = mapped_column(primary_key=True)
    survivor_id: Mapped[int] = mapped_column(
        sa.ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    duplicate_id: Mapped[int] = mapped_column(
        sa.ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    duplicate_snapshot: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    moved: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    merged_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    merged_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    undone_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    survivor: Mapped[Contact] = relationship(foreign_keys=[survivor_id])  # noqa: F821
    duplicate: Mapped[Contact] = relationship(foreign_keys=[duplicate_id])  # noqa: F821
    merged_by: Mapped[User | None] = relationship(foreign_keys=[merged_by_id])  # noqa: F821

    @property
    def is_active(self) -> bool:
        return self.undone_at is None
