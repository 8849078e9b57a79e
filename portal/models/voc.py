"""Voice of the customer around Feedback: sent surveys, themes and internal discussion."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.models._base import UTCDateTime, utcnow
from portal.models.enums import FeedbackKind

feedback_theme_links = sa.Table(
    "feedback_theme_links",
    db.metadata,
    sa.Column("feedback_id", sa.ForeignKey("feedback.id", ondelete="CASCADE"), primary_key=True),
    sa.Column(
        "theme_id", sa.ForeignKey("feedback_themes.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Index("ix_feedback_theme_links_theme_id", "theme_id"),
)


class SurveyInvitation(db.Model):
    """One CSAT or NPS survey sent to a contact. Its random nonce is what a signed link names;
    `answered_at` (the first rating) starts the window in which the rating may still change."""

    __tablename__ = "survey_invitations"
    __table_args__ = (
        sa.Index("ix_survey_invitations_contact_kind_sent", "contact_id", "kind", "sent_at"),
        sa.Index("ix_survey_invitations_kind_sent", "kind", "sent_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[FeedbackKind]
    nonce: Mapped[str] = mapped_column(sa.String(32), unique=True)
    case_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    contact_id: Mapped[int] = mapped_column(sa.ForeignKey("contacts.id", ondelete="CASCADE"))
    account_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("accounts.id", ondelete="SET NULL")
    )
    # The answer; one invitation has at most one (a changed rating updates the same row).
    feedback_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("feedback.id", ondelete="SET NULL"), unique=True
    )
    is_emailed: Mapped[bool] = mapped_column(default=False)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class FeedbackTheme(db.Model):
    """A tag for feedback ("billing errors", "slow replies"), managed by supervisors."""

    __tablename__ = "feedback_themes"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(60), unique=True)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class FeedbackComment(db.Model):
    """Staff discussion on a feedback item. Never shown to customers, emailed or exported."""

    __tablename__ = "feedback_comments"
    __table_args__ = (
        sa.Index("ix_feedback_comments_feedback_created", "feedback_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_id: Mapped[int] = mapped_column(sa.ForeignKey("feedback.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
