"""Who works a case: atomic claims, assignment to queue members, round-robin auto-assignment
and agents' availability."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from portal.domain.cases import edits, followers, staffing, transitions
from portal.extensions import db
from portal.kernel import audit, inbox
from portal.kernel.errors import InvalidTransition, StaleCase
from portal.models import Case, CaseEvent, CaseStatus, EventKind, NotificationKind, User
from portal.models._base import utcnow


def claim(case: Case, *, by: User, now: datetime | None = None) -> None:
    """Take an unassigned case. One conditional UPDATE: of many agents claiming at once,
    exactly one wins; the others get StaleCase (409)."""
    now = now or utcnow()
    result = db.session.execute(
        sa.update(Case)
        .where(Case.id == case.id, Case.assignee_id.is_(None))
        .values(
            assignee_id=by.id,
            status=sa.case((Case.status == CaseStatus.NEW, CaseStatus.OPEN), else_=Case.status),
            version=Case.version + 1,
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise StaleCase(f"{case.number} was claimed by someone else")
    db.session.add(
        CaseEvent(
            case_id=case.id,
            kind=EventKind.FIELD_CHANGE,
            field="assignee",
            new_value=by.name,
            author_id=by.id,
            created_at=now,
        )
    )
    by.last_assigned_at = now
    db.session.expire(case)
    followers.record_work(case, by, now=now)
    audit.record("case.claim", by=by, subject=case)


def assign(case: Case, to: User | None, *, by: User, version: int | None, now=None) -> None:
    """Give the case to a member of its queue (or nobody), on the version the editor saw."""
    edits.check_version(case, version)
    if to is not None and to not in staffing.eligible_assignees(case.queue):
        raise InvalidTransition("the assignee must be a member of the case's queue")
    if to == case.assignee:
        return
    now = now or utcnow()
    event = CaseEvent(
        case=case,
        kind=EventKind.FIELD_CHANGE,
        field="assignee",
        author=by,
        old_value=case.assignee.name if case.assignee else None,
        new_value=to.name if to else None,
        created_at=now,
    )
    db.session.add(event)
    case.assignee = to
    if to is not None:
        to.last_assigned_at = now
        if case.status == CaseStatus.NEW:
            transitions.change_status(case, CaseStatus.OPEN, by=by, now=now)
    case.updated_at = now
    audit.record("case.assign", by=by, subject=case, assignee=to.id if to else None)
    if to is not None:
        given(case, to, by=by, event=event, now=now)


def given(case: Case, to: User, *, by: User | None, event: CaseEvent | None, now: datetime) -> None:
    """Someone was given a case: they worked it now (they may read and follow it) and, unless
    they took it themselves, they are told, linked to the assignment on the timeline."""
    followers.record_work(case, to, now=now)
    inbox.tell_staff([to], NotificationKind.CASE_ASSIGNED, case, actor=by, event=event, now=now)


def open_case_counts(user_ids: list[int]) -> dict[int, int]:
    rows = db.session.execute(
        sa.select(Case.assignee_id, sa.func.count())
        .where(Case.assignee_id.in_(user_ids), Case.status.in_(CaseStatus.WORKING))
        .group_by(Case.assignee_id)
    ).all()
    return dict(rows)


def auto_assign(case: Case, *, now: datetime | None = None) -> User | None:
    """Round-robin among the queue's available agents (never a supervisor or admin who did
    not join it as an agent) below their capacity: the one who was given a case longest ago
    goes next. The caller records the assignee's work once the case has an id."""
    queue = case.queue
    if queue is None or not queue.auto_assign or case.assignee_id is not None:
        return None
    candidates = [user for user in staffing.queue_agents(queue) if user.is_available]
    load = open_case_counts([user.id for user in candidates])
    candidates = [user for user in candidates if load.get(user.id, 0) < user.max_open_cases]
    if not candidates:
        return None
    # Never-assigned members first, then whoever was given a case longest ago.
    now = now or utcnow()
    chosen = min(
        candidates, key=lambda u: (u.last_assigned_at is not None, u.last_assigned_at or now, u.id)
    )
    case.assignee = chosen
    chosen.last_assigned_at = now
    if case.status == CaseStatus.NEW:
        case.status = CaseStatus.OPEN
    return chosen


def set_availability(user: User, available: bool) -> None:
    """An agent marks themselves away (no auto-assignment) or back."""
    user.is_available = available
    audit.record("user.availability", by=user, subject=user, available=available)
