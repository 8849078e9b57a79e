"""Replies and internal notes on a case, with their files: what a reply does to the status, the
first-response target, the followers, the requester's email and the staff's inbox."""

from __future__ import annotations

from datetime import datetime

from portal.domain import sla
from portal.domain.cases import audience, followers, history, metrics, notices, transitions
from portal.domain.cases.uploads import Upload, store_uploads
from portal.extensions import db
from portal.kernel import audit, inbox
from portal.kernel.errors import InvalidTransition, NotAllowed
from portal.models import Case, CaseEvent, CaseStatus, EventKind, NotificationKind, User
from portal.models._base import utcnow


def add_reply(
    case: Case,
    *,
    body: str,
    by: User,
    uploads: list[Upload] = (),
    internal: bool = False,
    now: datetime | None = None,
) -> CaseEvent:
    """A public reply or (staff only) an internal note, with files.

    A customer's reply brings a pending or resolved case back to open and is told to the
    assignee (or the queue's agents) and the case's followers; a staff member's reply or note
    makes them a follower, and their first public reply meets the first-response target and
    is emailed to the requester.
    """
    now = now or utcnow()
    is_customer = by.role == "customer"
    if internal and is_customer:
        raise NotAllowed("customers cannot write internal notes")
    if case.status == CaseStatus.CLOSED:
        raise InvalidTransition("closed cases take no replies")
    event = CaseEvent(
        case=case,
        kind=EventKind.INTERNAL_NOTE if internal else EventKind.PUBLIC_REPLY,
        body=body.strip(),
        author=by,
        contact_id=by.contact_id if is_customer else None,
        created_at=now,
    )
    db.session.add(event)
    db.session.flush()
    stored = store_uploads(case, list(uploads), by=by, event=event)
    for attachment in stored:
        attachment.is_internal = internal
    if is_customer:
        if case.status == CaseStatus.RESOLVED or case.status == CaseStatus.PENDING:
            transitions.change_status(case, CaseStatus.OPEN, by=by, now=now, announce=False)
    else:
        followers.record_work(case, by, now=now)
        if not internal:
            sla.record_first_response(case, at=now)
            metrics.measure(case, now=now)
            notices.agent_replied(case, event)
    history.touch(case, now)
    audit.record("case.note" if internal else "case.reply", by=by, subject=case, event=event.id)
    if is_customer:
        inbox.tell_staff(
            audience.customer_audience(case),
            NotificationKind.CUSTOMER_REPLIED,
            case,
            inbox.excerpt(event.body),
            actor=by,
            event=event,
            now=now,
        )
    return event
