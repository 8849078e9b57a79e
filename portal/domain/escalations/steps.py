"""What every escalation step shares, whichever way it goes: the timeline entry, the
hand-over to a new assignee, the news told to staff (in-app and by the escalation email), and
how an escalation reads (a flag, its reason).

Separate so that escalating, the supervisor's answers and the pages that list escalations
share one version of each without reaching into one another.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from portal.domain import cases
from portal.extensions import db
from portal.kernel import inbox
from portal.models import Case, CaseEvent, CaseStatus, Escalation, EventKind, Queue, User

EMAIL_TEMPLATE = "escalation"


def is_flag(escalation: Escalation) -> bool:
    """A flag to supervisors: the case could not go higher, so it did not move."""
    return escalation.to_tier <= escalation.from_tier


def display_reason(escalation: Escalation):
    """The reason as readers should see it: the sweep's own reason is translated (lazily, so
    that each page or email shows it in its reader's language)."""
    return inbox.display_text(escalation.reason)


def place(queue: Queue | None, tier: int) -> str:
    """How a queue and tier read in the timeline: `Front line (1)`."""
    return f"{queue.name if queue is not None else '-'} ({tier})"[:200]


def email_context(
    escalation: Escalation, queue: Queue | None, by: User | None = None, **overrides
) -> dict:
    """What the escalation email says: the tier and queue, reason, hand-off note, who asked
    (the timeline's sentence for the step comes with its event, see inbox.tell_staff)."""
    return {
        "reason": display_reason(escalation),
        "handoff_note": escalation.handoff_note,
        "to_tier": escalation.to_tier,
        "queue_name": queue.name if queue is not None else "",
        "requested_by": by.name if by is not None else None,
        **overrides,
    }


def escalation_event(
    case: Case, by: User | None, now: datetime, old: str, new: str, body=""
) -> CaseEvent:
    """The timeline entry of an escalation step; its emails say it in the same sentence
    (labels.event_sentence) as the timeline."""
    event = CaseEvent(
        case=case,
        kind=EventKind.ESCALATION,
        field="escalation",
        old_value=old[:200],
        new_value=new[:200],
        body=body,
        author=by,
        created_at=now,
    )
    db.session.add(event)
    return event


def _assignee_event(case: Case, to: User | None, by: User | None, now: datetime) -> None:
    db.session.add(
        CaseEvent(
            case=case,
            kind=EventKind.FIELD_CHANGE,
            field="assignee",
            old_value=case.assignee.name if case.assignee else None,
            new_value=to.name if to else None,
            author=by,
            created_at=now,
        )
    )


def give_to(case: Case, to: User | None, *, by: User | None, now: datetime) -> None:
    """Set the assignee with its history row; a new case given to someone becomes open.
    (Inside a one-UPDATE edit: the caller records the new assignee's work afterwards.)"""
    if case.assignee == to:
        return
    _assignee_event(case, to, by, now)
    case.assignee = to
    if to is not None:
        to.last_assigned_at = now
        if case.status == CaseStatus.NEW:
            cases.change_status(case, CaseStatus.OPEN, by=by, now=now)


@dataclass
class News:
    """One escalation step as staff are told of it: in-app and by the escalation email, linked
    to its timeline entry (see inbox.tell_staff)."""

    case: Case
    text: str
    event: CaseEvent
    by: User | None
    now: datetime
    context: dict

    def tell(self, users: list[User | None], kind: str, *, already=()) -> list[User]:
        """Tell `users` (never the actor, nor those `already` told); returns who was told."""
        return inbox.tell_staff(
            users,
            kind,
            self.case,
            self.text,
            actor=self.by,
            event=self.event,
            template=EMAIL_TEMPLATE,
            already=already,
            now=self.now,
            **self.context,
        )
