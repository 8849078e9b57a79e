"""In-app notifications: what needs a staff member's attention, listed at /agent/notifications,
and `tell_staff`, the one way staff are told of something (in-app, and by email if they want).

A notification stores its kind, the timeline entry it is about and the detail as written (a
reason, guidance, the customer's words, the case subject); the headline is translated when
shown, so each reader sees it in their language.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import contains_eager

from portal.extensions import db
from portal.infra import mail
from portal.kernel import links
from portal.models import Case, CaseEvent, Notification, NotificationKind, User
from portal.models._base import utcnow

KIND_LABELS = {
    NotificationKind.ESCALATION: _l("Case escalated to your queue"),
    NotificationKind.ESCALATION_FLAG: _l("Case flagged to supervisors"),
    NotificationKind.ESCALATION_ASSIGNED: _l("Escalated case assigned to you"),
    NotificationKind.ESCALATION_RETURNED: _l("Escalation returned with guidance"),
    NotificationKind.FIRST_RESPONSE_WARNING: _l("First response due soon"),
    NotificationKind.RESOLUTION_WARNING: _l("Resolution due soon"),
    NotificationKind.FIRST_RESPONSE_BREACH: _l("First response overdue"),
    NotificationKind.GOAL_THRESHOLD: _l("Goal milestone reached"),
    NotificationKind.GOAL_BEHIND: _l("Goal falling behind"),
    NotificationKind.CUSTOMER_REPLIED: _l("The customer replied"),
    NotificationKind.CUSTOMER_REOPENED: _l("The customer reopened the case"),
    NotificationKind.CUSTOMER_SOLVED: _l("The customer marked the case solved"),
    NotificationKind.CASE_RESOLVED: _l("Case resolved"),
    NotificationKind.CASE_CLOSED: _l("Case closed"),
    NotificationKind.CASE_REOPENED: _l("Case reopened"),
    NotificationKind.CASE_ASSIGNED: _l("Case assigned to you"),
    NotificationKind.FOLLOWED_ESCALATED: _l("A case you follow was escalated"),
    NotificationKind.ESCALATION_ACCEPTED: _l("Escalation accepted"),
    NotificationKind.ESCALATION_RESOLVED: _l("Escalation resolved"),
}
# The staff email every case notification sends (escalations have their own, with tiers).
EMAIL_TEMPLATE = "case_update"
# How much of a customer's reply a notification keeps (the whole reply is on the case page).
EXCERPT_CHARS = 300
# Texts the system itself writes (not people), translated when shown.
SYSTEM_TEXTS = {"SLA breach": _l("SLA breach")}
PAGE_SIZE = 100


def label(kind: str) -> str:
    """The translated headline of a notification kind (the kind itself if unknown)."""
    return KIND_LABELS.get(kind, kind)


def display_text(text: str):
    """A stored text as the reader should see it: the system's own texts are translated."""
    return SYSTEM_TEXTS.get(text, text)


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """The start of a text for a notification: whole words, up to `limit` characters."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + "…"


def staff_link(case: Case, event: CaseEvent | None = None) -> str:
    """The case in the agent workspace, at the timeline entry if one is given (emails to staff
    never point at the customer portal)."""
    link = links.staff_case_url(case.number)
    return f"{link}#event-{event.id}" if event is not None and event.id is not None else link


def notify(
    users: Iterable[User | None],
    kind: NotificationKind,
    case: Case | None,
    text: str = "",
    *,
    event: CaseEvent | None = None,
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
                event_id=event.id if event is not None else None,
                text=(text or "").strip(),
                created_at=now,
            )
        )
    db.session.add_all(rows)
    return rows


def tell_staff(
    users: Iterable[User | None],
    kind: NotificationKind,
    case: Case,
    text: str = "",
    *,
    actor: User | None,
    event: CaseEvent | None = None,
    template: str = EMAIL_TEMPLATE,
    already: Iterable[User] = (),
    now: datetime | None = None,
    **context,
) -> list[User]:
    """Tell each distinct active staff member in-app, and by email if they have email on, in
    their own language; returns who was told.

    Never the actor, nor anyone in `already` (told of the same change in other words), nor a
    customer. The notification and the email link to `event` on the case page. Emails render
    `email/<template>` with the headline, case number, subject, `text`, `event` (its timeline
    sentence) and `context`.
    """
    if event is not None and event.id is None:
        db.session.flush()  # the link needs the event's id
    skip = {user.id for user in already}
    if actor is not None:
        skip.add(actor.id)
    recipients: list[User] = []
    for user in users:
        if user is None or user.id in skip or not user.is_active or not user.is_staff:
            continue
        skip.add(user.id)
        recipients.append(user)
    link = staff_link(case, event)
    tell(
        recipients,
        kind,
        case,
        text,
        template=template,
        link=lambda _user: link,
        event=event,
        now=now,
        number=case.number,
        subject=case.subject,
        **context,
    )
    return recipients


def tell(
    users: list[User],
    kind: NotificationKind,
    case: Case | None,
    text: str,
    *,
    template: str,
    link: Callable[[User], str],
    event: CaseEvent | None = None,
    now: datetime | None = None,
    **context,
) -> None:
    """Notify these staff members in-app, and email those who have email on, in their own
    language: the one way staff hear of something. `link(user)` is where each one's email
    points; the email renders `email/<template>` with the headline and `context`."""
    notify(users, kind, case, text, event=event, now=now or utcnow())
    for user in users:
        if user.notify_by_email and user.email:
            mail.send_template(
                template,
                to=user.email,
                language=user.language,
                name=user.name,
                headline=KIND_LABELS[kind],
                text=text,
                event=event,
                link=link(user),
                **context,
            )


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
