"""Cases: open, reply, note, change status, solve and reopen. The one write path for every
entry point (customer portal, agent workspace, email, API, CLI)."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from portal.extensions import db
from portal.models import (
    Case,
    CaseEvent,
    CaseLink,
    CaseStatus,
    Channel,
    Contact,
    ContactRole,
    ContactRoleKind,
    EventKind,
    Priority,
    User,
)
from portal.models._base import utcnow
from portal.services import attachments, audit, notifications, routing, sla
from portal.services.attachments import Upload
from portal.services.errors import InvalidTransition, NotAllowed

CATEGORIES = ("general", "technical", "billing", "account", "shipping")
CUSTOMER_PRIORITIES = (Priority.LOW, Priority.NORMAL, Priority.HIGH)
URGENT_ENTITLEMENTS = frozenset({"premium"})
# Allowed status moves (DESIGN.md): new -> open <-> pending -> resolved -> closed; a resolved
# case may be reopened; closed is final.
TRANSITIONS = {
    CaseStatus.NEW: {CaseStatus.OPEN, CaseStatus.PENDING, CaseStatus.RESOLVED, CaseStatus.CLOSED},
    CaseStatus.OPEN: {CaseStatus.PENDING, CaseStatus.RESOLVED, CaseStatus.CLOSED},
    CaseStatus.PENDING: {CaseStatus.OPEN, CaseStatus.RESOLVED, CaseStatus.CLOSED},
    CaseStatus.RESOLVED: {CaseStatus.OPEN, CaseStatus.CLOSED},
    CaseStatus.CLOSED: set(),
}


def priorities_for(contact: Contact) -> tuple[Priority, ...]:
    """Customers pick low/normal/high; urgent only where their entitlement includes it."""
    entitlement = contact.account.entitlement if contact.account else None
    if entitlement in URGENT_ENTITLEMENTS:
        return (*CUSTOMER_PRIORITIES, Priority.URGENT)
    return CUSTOMER_PRIORITIES


def colleagues(contact: Contact) -> list[Contact]:
    """Contacts of the same account who may be copied on a case."""
    if contact.account_id is None:
        return []
    return db.session.scalars(
        sa.select(Contact)
        .where(Contact.account_id == contact.account_id, Contact.id != contact.id)
        .order_by(Contact.name)
    ).all()


def find_submitted(submission_key: str | None) -> Case | None:
    if not submission_key:
        return None
    return db.session.scalar(sa.select(Case).where(Case.submission_key == submission_key))


def open_case(
    *,
    requester: Contact,
    subject: str,
    description: str,
    by: User | None,
    category: str | None = None,
    product: str | None = None,
    priority: Priority = Priority.NORMAL,
    channel: Channel = Channel.WEB,
    cc_contact_ids: list[int] = (),
    uploads: list[Upload] = (),
    submission_key: str | None = None,
    follow_up_of: Case | None = None,
    now: datetime | None = None,
) -> Case:
    """Create a case with its files, route it, start its SLA clocks and tell the requester.

    A repeated submission key returns the case the first submission made.
    """
    existing = find_submitted(submission_key)
    if existing is not None:
        return existing
    if by is not None and by.role == "customer" and priority not in priorities_for(requester):
        raise NotAllowed("priority not available for this entitlement")
    allowed_cc = {contact.id for contact in colleagues(requester)}
    if not set(cc_contact_ids) <= allowed_cc:
        raise NotAllowed("CC contacts must belong to the requester's account")
    now = now or utcnow()
    case = Case(
        subject=subject.strip(),
        description=description.strip(),
        category=category or None,
        product=(product or "").strip() or None,
        priority=priority,
        channel=channel,
        requester=requester,
        account=requester.account,
        language=(by.language if by is not None else None) or requester.language,
        created_at=now,
        updated_at=now,
        submission_key=submission_key or None,
    )
    routing.route(case)
    db.session.add(case)
    case.contact_roles.append(ContactRole(contact_id=requester.id, kind=ContactRoleKind.REQUESTER))
    for contact_id in cc_contact_ids:
        case.contact_roles.append(ContactRole(contact_id=contact_id, kind=ContactRoleKind.CC))
    db.session.flush()
    attachments.store(case, list(uploads), by=by)
    if follow_up_of is not None:
        db.session.add(CaseLink(from_case_id=case.id, to_case_id=follow_up_of.id, kind="follow_up"))
    sla.start_clock(case, now=now)
    notifications.case_received(case)
    audit.record("case.open", by=by, subject=case, channel=channel.value)
    return case


def _touch(case: Case, now: datetime) -> None:
    case.updated_at = now


def _field_change(case: Case, field: str, old, new, *, by: User | None, now: datetime) -> None:
    db.session.add(
        CaseEvent(
            case=case,
            kind=EventKind.FIELD_CHANGE,
            field=field,
            old_value=None if old is None else str(old),
            new_value=None if new is None else str(new),
            author=by,
            created_at=now,
        )
    )


def change_status(
    case: Case, new_status: CaseStatus, *, by: User | None, now: datetime | None = None
) -> None:
    """Move a case to another status, keeping SLA clocks, timestamps and history right."""
    now = now or utcnow()
    old_status = case.status
    if new_status == old_status:
        return
    if new_status not in TRANSITIONS[old_status]:
        raise InvalidTransition(f"{old_status} -> {new_status}")
    case.status = new_status
    sla.on_status_change(case, old_status, new_status, now=now)
    if new_status == CaseStatus.RESOLVED:
        case.resolved_at = now
    elif new_status == CaseStatus.CLOSED:
        case.closed_at = now
    elif old_status == CaseStatus.RESOLVED:
        case.resolved_at = None
    _field_change(case, "status", old_status.value, new_status.value, by=by, now=now)
    _touch(case, now)
    if new_status == CaseStatus.RESOLVED:
        notifications.case_resolved(case)
    elif old_status == CaseStatus.RESOLVED and new_status == CaseStatus.OPEN:
        notifications.case_reopened(case)
    audit.record("case.status", by=by, subject=case, old=old_status.value, new=new_status.value)


def reopen_deadline(case: Case) -> datetime | None:
    if case.status != CaseStatus.RESOLVED or case.resolved_at is None:
        return None
    return case.resolved_at + timedelta(days=current_app.config["REOPEN_WINDOW_DAYS"])


def can_reopen(case: Case, *, now: datetime | None = None) -> bool:
    """A resolved case may be reopened within the window; later, a follow-up case is offered."""
    deadline = reopen_deadline(case)
    return deadline is not None and (now or utcnow()) <= deadline


def solve(case: Case, *, by: User, now: datetime | None = None) -> None:
    """The customer says the case is solved."""
    if case.status not in (CaseStatus.NEW, CaseStatus.OPEN, CaseStatus.PENDING):
        raise InvalidTransition(f"cannot solve a {case.status} case")
    change_status(case, CaseStatus.RESOLVED, by=by, now=now)


def reopen(case: Case, *, by: User, now: datetime | None = None) -> None:
    if not can_reopen(case, now=now):
        raise InvalidTransition("the reopen window has passed")
    change_status(case, CaseStatus.OPEN, by=by, now=now)


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

    A customer's reply brings a pending or resolved case back to open; a staff member's first
    public reply meets the first-response target, and the requester is emailed the reply.
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
    stored = attachments.store(case, list(uploads), by=by, event=event)
    for attachment in stored:
        attachment.is_internal = internal
    if is_customer:
        if case.status == CaseStatus.RESOLVED or case.status == CaseStatus.PENDING:
            change_status(case, CaseStatus.OPEN, by=by, now=now)
    elif not internal:
        sla.record_first_response(case, at=now)
        notifications.agent_replied(case, event)
    _touch(case, now)
    audit.record("case.note" if internal else "case.reply", by=by, subject=case, event=event.id)
    return event
