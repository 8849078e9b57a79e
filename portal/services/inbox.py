"""In-app notifications: what needs a staff member's attention, listed at /agent/notifications.

A notification stores its kind and the detail as written (a reason, guidance, the case
subject); the headline is translated when shown, so each reader sees it in their language.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import contains_eager

from portal.extensions import db
from portal.models import Case, Notification, User
from portal.models._base import utcnow

ESCALATION = "escalation"
ESCALATION_FLAG = "escalation_flag"
ESCALATION_ASSIGNED = "escalation_assigned"
ESCALATION_RETURNED = "escalation_returned"
FIRST_RESPONSE_WARNING = "sla_warning_first_response"
RESOLUTION_WARNING = "sla_warning_resolution"
FIRST_RESPONSE_BREACH = "sla_breach_first_response"
GOAL_THRESHOLD = "goal_threshold"
GOAL_BEHIND = "goal_behind"

KIND_LABELS = {
    ESCALATION: _l("Case escalated to your queue"),
    ESCALATION_FLAG: _l("Case flagged to supervisors"),
    ESCALATION_ASSIGNED: _l("Escalated case assigned to you"),
    ESCALATION_RETURNED: _l("Escalation returned with guidance"),
    FIRST_RESPONSE_WARNING: _l("First response due soon"),
    RESOLUTION_WARNING: _l("Resolution due soon"),
    FIRST_RESPONSE_BREACH: _l("First response overdue"),
    GOAL_THRESHOLD: _l("Goal milestone reached"),
    GOAL_BEHIND: _l("Goal falling behind"),
}
# Texts the system itself writes (not people), translated when shown.
SYSTEM_TEXTS = {"SLA breach": _l("SLA breach")}
PAGE_SIZE = 100


def label(kind: str) -> str:
    """The translated headline of a notification kind (the kind itself if unknown)."""
    return KIND_LABELS.get(kind, kind)


def display_text(text: str):
    """A stored text as the reader should see it: the system's own texts are translated."""
    return SYSTEM_TEXTS.get(text, text)


def notify(
    users: Iterable[User | None],
    kind: str,
    case: Case | None,
    text: str = "",
    *,
    now: datetime | None = None,
) -> list[Notification]:
    """Add one notification per distinct active user (None entries are skipped)."""
    now = now or utcnow()
    seen: set[int] = set()
    rows = []
    for user in users:
        if user is None or user.id in seen or not user.is_active:
            continue
        seen.add(user.id)
        rows.append(
            Notification(
                user_id=user.id,
                kind=kind,
                case_id=case.id if case is not None else None,
                text=(text or "").strip(),
                created_at=now,
            )
        )
    db.session.add_all(rows)
    return rows


def _readable(query: sa.Select, visible: sa.ColumnElement[bool] | None) -> sa.Select:
    """Keep notifications about no case or about a case the reader may still see (`visible`
    is the reader's case filter from authz; a case that moved above their tier drops out)."""
    query = query.outerjoin(Case, Case.id == Notification.case_id)
    if visible is None:
        return query
    return query.where(sa.or_(Notification.case_id.is_(None), visible))


def unread_count(user: User, *, visible: sa.ColumnElement[bool] | None = None) -> int:
    query = sa.select(sa.func.count()).select_from(Notification)
    return db.session.scalar(
        _readable(query, visible).where(
            Notification.user_id == user.id, Notification.read_at.is_(None)
        )
    )


def recent(
    user: User, *, visible: sa.ColumnElement[bool] | None = None, limit: int = PAGE_SIZE
) -> list[Notification]:
    """The user's newest notifications, with their cases loaded (one query)."""
    return db.session.scalars(
        _readable(sa.select(Notification), visible)
        .where(Notification.user_id == user.id)
        .options(contains_eager(Notification.case))
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(limit)
    ).all()


def mark_read(user: User, ids: Iterable[int] | None = None, *, now: datetime | None = None) -> int:
    """Mark the user's unread notifications (all, or only `ids`) as read; returns how many."""
    condition = sa.and_(Notification.user_id == user.id, Notification.read_at.is_(None))
    if ids is not None:
        ids = list(ids)
        if not ids:
            return 0
        condition = sa.and_(condition, Notification.id.in_(ids))
    result = db.session.execute(
        sa.update(Notification)
        .where(condition)
        .values(read_at=now or utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount
