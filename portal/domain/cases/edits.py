"""Staff edits of a case's status, priority, category and queue from one form, on the version
the editor saw (optimistic locking: `check_version`, which assignment uses too)."""

from __future__ import annotations

from datetime import datetime

from portal.domain import sla
from portal.domain.cases import audience, history, transitions
from portal.extensions import db
from portal.kernel import audit
from portal.kernel.errors import StaleCase
from portal.models import Case, CaseStatus, Priority, Queue, User
from portal.models._base import utcnow


def check_version(case: Case, version: int | None) -> None:
    """Refuse an edit made on a stale copy of the case (optimistic locking)."""
    if version is None or int(version) != case.version:
        raise StaleCase(
            f"{case.number} is at version {case.version}, the edit was made on {version}"
        )


def update_fields(
    case: Case,
    *,
    version: int | None,
    by: User,
    status: CaseStatus | None = None,
    priority: Priority | None = None,
    category: str | None = None,
    queue: Queue | None = None,
    now: datetime | None = None,
) -> list[str]:
    """Change status, priority, category and queue from one form; returns the fields changed.

    The edit must carry the version it was made on. A priority change retargets the SLA
    clocks; a queue move takes the case to that queue's tier and clears an assignee who
    cannot work there.
    """
    check_version(case, version)
    now = now or utcnow()
    old_status = case.status
    with db.session.no_autoflush:  # one UPDATE, so one version step, per edit
        changed, status_event = _apply_field_changes(
            case, by, status, priority, category, queue, now
        )
    if changed:
        audit.record("case.update", by=by, subject=case, fields=changed)
    if status_event is not None:
        audience.announce_status(case, old_status, case.status, status_event, by=by, now=now)
    return changed


def _apply_field_changes(case, by, status, priority, category, queue, now):
    """Apply the form's changes; returns the fields changed and the status change's entry."""
    changed, status_event = [], None
    if priority is not None and priority != case.priority:
        history.field_change(case, "priority", case.priority.value, priority.value, by=by, now=now)
        case.priority = priority
        sla.on_priority_change(case, now=now)
        changed.append("priority")
    if category is not None and (category or None) != case.category:
        history.field_change(case, "category", case.category, category or None, by=by, now=now)
        case.category = category or None
        changed.append("category")
    if queue is not None and queue.id != case.queue_id:
        history.field_change(
            case, "queue", case.queue.name if case.queue else None, queue.name, by=by, now=now
        )
        case.queue = queue
        case.tier = queue.tier
        if case.assignee is not None and case.assignee.max_tier < queue.tier:
            history.field_change(case, "assignee", case.assignee.name, None, by=by, now=now)
            case.assignee = None
        changed.append("queue")
    if status is not None and status != case.status:
        status_event = transitions.change_status(case, status, by=by, now=now, announce=False)
        changed.append("status")
    if changed:
        history.touch(case, now)
    return changed, status_event
