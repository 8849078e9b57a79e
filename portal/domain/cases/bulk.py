"""Bulk actions on a queue's cases: the same services as one-by-one edits, per case."""

from __future__ import annotations

from portal import numbers
from portal.domain.cases import assignment, edits
from portal.extensions import db
from portal.kernel.errors import InvalidTransition
from portal.models import Case, CaseStatus, Priority, Queue, User


def apply(selected: list[Case], *, action: str, value: str, queue: Queue, by: User) -> int:
    """Apply one action to every selected case; all or nothing (the caller commits or not)."""
    if action == "assign":
        target_id = None if value == "none" else numbers.parse_id(value)
        if value != "none" and target_id is None:
            raise InvalidTransition("unknown assignee")
        target = db.session.get(User, target_id) if target_id is not None else None
        for case in selected:
            assignment.assign(case, target, by=by, version=case.version)
    elif action == "priority":
        try:
            priority = Priority(value)
        except ValueError:
            raise InvalidTransition("unknown priority") from None
        for case in selected:
            edits.update_fields(case, version=case.version, by=by, priority=priority)
    elif action == "status":
        try:
            status = CaseStatus(value)
        except ValueError:
            raise InvalidTransition("unknown status") from None
        for case in selected:
            edits.update_fields(case, version=case.version, by=by, status=status)
    elif action == "queue":
        queue_id = numbers.parse_id(value)
        target_queue = db.session.get(Queue, queue_id) if queue_id is not None else None
        if target_queue is None or target_queue.tier != queue.tier:
            raise InvalidTransition("cases move only to a queue of the same tier")
        for case in selected:
            edits.update_fields(case, version=case.version, by=by, queue=target_queue)
    else:
        raise InvalidTransition(f"unknown action {action}")
    return len(selected)
