"""Automatic follow-up of low scores: who owns one, and when it is due.

A low survey answer (CSAT 1-2, NPS 0-6) is itself the follow-up item: `assign_follow_up` gives
it an owner and a due time, so every answer is counted once in the figures. Recording a rating
calls it; it is apart from the item workflow because it reads queues and SLA calendars, not a
form.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from portal.domain import sla
from portal.extensions import db
from portal.kernel import audit
from portal.models import Account, Case, Feedback, FeedbackStatus, Role, User
from portal.models.user import queue_members

FOLLOW_UP_BUSINESS_DAYS = 2


def follow_up_owner(case: Case | None, account: Account | None) -> User | None:
    """A supervisor of the case's queue (the one with the fewest open follow-ups), else the
    account owner if they are active staff, else nobody (the dashboard lists it unowned)."""
    if case is not None and case.queue_id is not None:
        open_items = (
            sa.select(sa.func.count(Feedback.id))
            .where(Feedback.owner_id == User.id, Feedback.status != FeedbackStatus.CLOSED)
            .scalar_subquery()
        )
        supervisor = db.session.scalar(
            sa.select(User)
            .join(queue_members, queue_members.c.user_id == User.id)
            .where(
                queue_members.c.queue_id == case.queue_id,
                User.role == Role.SUPERVISOR,
                User.is_active.is_(True),
            )
            .order_by(open_items, User.id)
            .limit(1)
        )
        if supervisor is not None:
            return supervisor
    owner = db.session.get(User, account.owner_id) if account and account.owner_id else None
    if owner is not None and owner.is_active and owner.role in Role.STAFF:
        return owner
    return None


def follow_up_due(case: Case | None, now: datetime) -> datetime:
    """Two business days on the case's SLA calendar; two calendar days without one."""
    policy = sla.policy_for(case) if case is not None else None
    if policy is not None:
        calendar = policy.calendar
        opens = calendar.opens_at.hour * 60 + calendar.opens_at.minute
        closes = calendar.closes_at.hour * 60 + calendar.closes_at.minute or 24 * 60
        if closes > opens:
            minutes = FOLLOW_UP_BUSINESS_DAYS * (closes - opens)
            return sla.add_business_minutes(calendar, now, minutes)
    return now + timedelta(days=FOLLOW_UP_BUSINESS_DAYS)


def assign_follow_up(
    item: Feedback, *, case: Case | None, account: Account | None, now: datetime
) -> None:
    """Turn a low survey answer into an item to follow up: owner, due time, status new."""
    owner = follow_up_owner(case, account)
    item.owner_id = owner.id if owner else None
    item.due_at = follow_up_due(case, now)
    item.status = FeedbackStatus.NEW
    item.updated_at = now
    audit.record(
        "feedback.follow_up",
        subject=item,
        owner=item.owner_id,
        due_at=item.due_at.isoformat(),
        score=item.score,
    )
