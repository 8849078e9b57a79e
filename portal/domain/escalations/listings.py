"""Escalations as pages show them: a case's escalation history and the supervisor's inbox of
escalations waiting for an answer.

Separate because it only reads: it wraps escalations with the people and queues they name,
in a fixed number of queries however many there are.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager

from portal.domain.escalations import steps
from portal.extensions import db
from portal.kernel import lookups
from portal.kernel.pagination import Page, paginate
from portal.models import (
    Case,
    CaseEvent,
    Escalation,
    EscalationState,
    EventKind,
    Priority,
    Queue,
    Role,
    User,
)
from portal.models.user import queue_members

PRIORITY_ORDER = {Priority.URGENT: 0, Priority.HIGH: 1, Priority.NORMAL: 2, Priority.LOW: 3}


@dataclass
class Entry:
    """An escalation with the people and queues it names, ready for a page."""

    escalation: Escalation
    requested_by: User | None
    handled_by: User | None
    from_queue: Queue | None
    to_queue: Queue | None
    guidance: str = ""
    assignable: list[User] = field(default_factory=list)
    # Who the inbox's "Assign the case to" picks first: the case's assignee when they may
    # work its queue and tier, else nobody (the handling supervisor takes it).
    default_assignee_id: int | None = None

    @property
    def is_flag(self) -> bool:
        return steps.is_flag(self.escalation)

    @property
    def reason(self):
        return steps.display_reason(self.escalation)


def _entries(escalations: list[Escalation]) -> list[Entry]:
    """Wrap escalations with their users and queues: two queries, however many there are."""
    users = lookups.by_id(
        User, [e.requested_by_id for e in escalations] + [e.handled_by_id for e in escalations]
    )
    queues = lookups.by_id(
        Queue, [e.from_queue_id for e in escalations] + [e.to_queue_id for e in escalations]
    )
    return [
        Entry(
            escalation=e,
            requested_by=users.get(e.requested_by_id),
            handled_by=users.get(e.handled_by_id),
            from_queue=queues.get(e.from_queue_id),
            to_queue=queues.get(e.to_queue_id),
        )
        for e in escalations
    ]


def history(case: Case) -> list[Entry]:
    """Every escalation of the case, newest first, with the guidance of those returned.

    The guidance is the body of the escalation event written when it was returned (same
    case, same moment as `handled_at`).
    """
    escalations = db.session.scalars(
        sa.select(Escalation)
        .where(Escalation.case_id == case.id)
        .order_by(Escalation.created_at.desc(), Escalation.id.desc())
    ).all()
    entries = _entries(list(escalations))
    returned = [e for e in escalations if e.state == EscalationState.RETURNED and e.handled_at]
    if returned:
        events = db.session.execute(
            sa.select(CaseEvent.created_at, CaseEvent.body).where(
                CaseEvent.case_id == case.id,
                CaseEvent.kind == EventKind.ESCALATION,
                CaseEvent.created_at.in_([e.handled_at for e in returned]),
            )
        ).all()
        guidance = {created_at: body for created_at, body in events}
        for entry in entries:
            if entry.escalation.state == EscalationState.RETURNED:
                entry.guidance = guidance.get(entry.escalation.handled_at, "")
    return entries


def assignable_by_queue(queue_ids: set[int]) -> dict[int, list[User]]:
    """For each queue, the members who may be given its cases (one query for all queues)."""
    if not queue_ids:
        return {}
    rows = db.session.execute(
        sa.select(queue_members.c.queue_id, User)
        .join(User, User.id == queue_members.c.user_id)
        .join(Queue, Queue.id == queue_members.c.queue_id)
        .where(
            queue_members.c.queue_id.in_(queue_ids),
            User.is_active,
            User.role.in_(Role.STAFF),
            User.max_tier >= Queue.tier,
        )
        .order_by(User.name, User.id)
    ).all()
    members: dict[int, list[User]] = {}
    for queue_id, user in rows:
        members.setdefault(queue_id, []).append(user)
    return members


INBOX_SORTS = ("priority", "age")


def pending(*, sort: str = "priority", page: int = 1, per_page: int = 50) -> Page[Entry]:
    """Open and accepted escalations for the supervisor inbox: by priority (urgent first) then
    age (oldest first), or by age alone. A fixed number of queries, however many there are."""
    if sort not in INBOX_SORTS:
        raise ValueError(f"unknown sort {sort!r}")
    priority_rank = sa.case(
        {p.value: rank for p, rank in PRIORITY_ORDER.items()}, value=Case.priority, else_=4
    )
    age = (Escalation.created_at.asc(), Escalation.id.asc())
    order = age if sort == "age" else (priority_rank.asc(), *age)
    condition = Escalation.state.in_(EscalationState.PENDING)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(Escalation).where(condition))
    result = paginate(
        sa.select(Escalation)
        .join(Case, Case.id == Escalation.case_id)
        .where(condition)
        .options(
            contains_eager(Escalation.case).joinedload(Case.queue),
            contains_eager(Escalation.case).joinedload(Case.assignee),
        )
        .order_by(*order),
        number=page,
        per_page=per_page,
        total=total,
        rows=lambda limited: _entries(list(db.session.scalars(limited))),
    )
    cases = [entry.escalation.case for entry in result.items]
    members = assignable_by_queue({case.queue_id for case in cases if case.queue_id})
    for entry in result.items:
        case = entry.escalation.case
        entry.assignable = members.get(case.queue_id, [])
        if case.assignee is not None and case.assignee in entry.assignable:
            entry.default_assignee_id = case.assignee_id
    return result
