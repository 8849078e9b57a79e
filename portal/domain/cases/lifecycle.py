"""Cases: open, reply, note, change status, solve and reopen. The one write path for every
entry point (customer portal, agent workspace, email, API, CLI)."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from portal.domain import sla, voc
from portal.domain.cases import assignment, followers, metrics, notices, routing
from portal.extensions import db
from portal.infra import attachments
from portal.infra.attachments import Upload
from portal.kernel import audit, inbox
from portal.kernel.errors import InvalidTransition, NotAllowed, StaleCase
from portal.models import (
    Attachment,
    Case,
    CaseEvent,
    CaseLink,
    CaseStatus,
    Channel,
    Contact,
    ContactRole,
    ContactRoleKind,
    Direction,
    EventKind,
    Priority,
    Queue,
    Role,
    User,
)
from portal.models._base import utcnow

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
    case.opened_tier = case.tier
    db.session.add(case)
    assignment.auto_assign(case, now=now)
    case.contact_roles.append(ContactRole(contact_id=requester.id, kind=ContactRoleKind.REQUESTER))
    for contact_id in cc_contact_ids:
        case.contact_roles.append(ContactRole(contact_id=contact_id, kind=ContactRoleKind.CC))
    db.session.flush()
    if case.assignee is not None:
        assignment.given(case, case.assignee, by=by, event=None, now=now)
    attachments.store(case, list(uploads), by=by)
    if follow_up_of is not None:
        db.session.add(CaseLink(from_case_id=case.id, to_case_id=follow_up_of.id, kind="follow_up"))
    sla.start_clock(case, now=now)
    notices.case_received(case)
    audit.record("case.open", by=by, subject=case, channel=channel.value)
    return case


def _touch(case: Case, now: datetime) -> None:
    case.updated_at = now


def _field_change(case: Case, field: str, old, new, *, by: User | None, now: datetime) -> CaseEvent:
    event = CaseEvent(
        case=case,
        kind=EventKind.FIELD_CHANGE,
        field=field,
        old_value=None if old is None else str(old),
        new_value=None if new is None else str(new),
        author=by,
        created_at=now,
    )
    db.session.add(event)
    return event


# --- Who hears of a change ---------------------------------------------------------------------


def customer_audience(case: Case) -> list[User]:
    """Who hears what a customer did: the assignee, or when nobody (active) has the case its
    queue's agents (its supervisors if it has no agents), and everyone following the case."""
    if case.assignee is not None and case.assignee.is_active:
        first = [case.assignee]
    else:
        first = assignment.queue_agents(case.queue) or assignment.queue_supervisors(case.queue)
    return first + followers.followers(case)


def _status_kind(old: CaseStatus, new: CaseStatus, by: User | None) -> str | None:
    """The notification a status change makes, if any: a customer's reopen or "solved", and
    staff resolving, closing or reopening a case. Other moves (new -> open, open <-> pending)
    are the work itself, not news."""
    reopened = old == CaseStatus.RESOLVED and new == CaseStatus.OPEN
    if by is not None and by.role == Role.CUSTOMER:
        if reopened:
            return inbox.CUSTOMER_REOPENED
        return inbox.CUSTOMER_SOLVED if new == CaseStatus.RESOLVED else None
    if reopened:
        return inbox.CASE_REOPENED
    return {CaseStatus.RESOLVED: inbox.CASE_RESOLVED, CaseStatus.CLOSED: inbox.CASE_CLOSED}.get(new)


def _announce_status(
    case: Case, old: CaseStatus, new: CaseStatus, event: CaseEvent, *, by: User | None, now
) -> None:
    """Tell staff of a status change: a customer's to the assignee (or queue) and followers,
    staff's to the followers. Flushes (the link needs the event's id): not inside an edit."""
    kind = _status_kind(old, new, by)
    if kind is None:
        return
    customer = by is not None and by.role == Role.CUSTOMER
    audience = customer_audience(case) if customer else followers.followers(case)
    inbox.tell_staff(audience, kind, case, actor=by, event=event, now=now)


# --- Status -----------------------------------------------------------------------------------


def change_status(
    case: Case,
    new_status: CaseStatus,
    *,
    by: User | None,
    now: datetime | None = None,
    announce: bool = True,
) -> CaseEvent | None:
    """Move a case to another status, keeping SLA clocks, timestamps and history right;
    returns the timeline entry (None if the status did not change).

    Staff are told unless `announce` is off: a caller inside a one-UPDATE edit (or one that
    tells of the change in its own words, like a customer's reply) announces it itself.
    """
    now = now or utcnow()
    old_status = case.status
    if new_status == old_status:
        return None
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
    event = _field_change(case, "status", old_status.value, new_status.value, by=by, now=now)
    metrics.measure(case, now=now)
    _touch(case, now)
    if new_status == CaseStatus.RESOLVED:
        notices.case_resolved(case)
        voc.send_csat(case, now=now)
    elif old_status == CaseStatus.RESOLVED and new_status == CaseStatus.OPEN:
        notices.case_reopened(case)
    audit.record("case.status", by=by, subject=case, old=old_status.value, new=new_status.value)
    if announce:
        _announce_status(case, old_status, new_status, event, by=by, now=now)
    return event


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
    stored = attachments.store(case, list(uploads), by=by, event=event)
    for attachment in stored:
        attachment.is_internal = internal
    if is_customer:
        if case.status == CaseStatus.RESOLVED or case.status == CaseStatus.PENDING:
            change_status(case, CaseStatus.OPEN, by=by, now=now, announce=False)
    else:
        followers.record_work(case, by, now=now)
        if not internal:
            sla.record_first_response(case, at=now)
            metrics.measure(case, now=now)
            notices.agent_replied(case, event)
    _touch(case, now)
    audit.record("case.note" if internal else "case.reply", by=by, subject=case, event=event.id)
    if is_customer:
        inbox.tell_staff(
            customer_audience(case),
            inbox.CUSTOMER_REPLIED,
            case,
            inbox.excerpt(event.body),
            actor=by,
            event=event,
            now=now,
        )
    return event


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
        _announce_status(case, old_status, case.status, status_event, by=by, now=now)
    return changed


def _apply_field_changes(case, by, status, priority, category, queue, now):
    """Apply the form's changes; returns the fields changed and the status change's entry."""
    changed, status_event = [], None
    if priority is not None and priority != case.priority:
        _field_change(case, "priority", case.priority.value, priority.value, by=by, now=now)
        case.priority = priority
        sla.on_priority_change(case, now=now)
        changed.append("priority")
    if category is not None and (category or None) != case.category:
        _field_change(case, "category", case.category, category or None, by=by, now=now)
        case.category = category or None
        changed.append("category")
    if queue is not None and queue.id != case.queue_id:
        _field_change(
            case, "queue", case.queue.name if case.queue else None, queue.name, by=by, now=now
        )
        case.queue = queue
        case.tier = queue.tier
        if case.assignee is not None and case.assignee.max_tier < queue.tier:
            _field_change(case, "assignee", case.assignee.name, None, by=by, now=now)
            case.assignee = None
        changed.append("queue")
    if status is not None and status != case.status:
        status_event = change_status(case, status, by=by, now=now, announce=False)
        changed.append("status")
    if changed:
        _touch(case, now)
    return changed, status_event


def log_interaction(
    case: Case,
    *,
    by: User,
    channel: Channel,
    direction: Direction,
    occurred_at: datetime,
    duration_seconds: int | None,
    summary: str,
) -> CaseEvent:
    """Record a phone call, email, chat or social message that happened outside the portal."""
    event = CaseEvent(
        case=case,
        kind=EventKind.INTERACTION,
        author=by,
        channel=channel,
        direction=direction,
        occurred_at=occurred_at,
        duration_seconds=duration_seconds,
        body=summary.strip(),
        contact_id=case.requester_id,
    )
    db.session.add(event)
    _touch(case, utcnow())
    followers.record_work(case, by)
    audit.record("case.interaction", by=by, subject=case, channel=channel.value)
    return event


def link(case: Case, other: Case, *, by: User) -> None:
    """Mark two cases as related (once, whichever way round)."""
    if other.id == case.id:
        raise InvalidTransition("a case cannot be linked to itself")
    pair = sa.or_(
        sa.and_(CaseLink.from_case_id == case.id, CaseLink.to_case_id == other.id),
        sa.and_(CaseLink.from_case_id == other.id, CaseLink.to_case_id == case.id),
    )
    if db.session.scalar(sa.select(CaseLink.id).where(pair)) is None:
        db.session.add(CaseLink(from_case_id=case.id, to_case_id=other.id, kind="related"))
        now = utcnow()
        _field_change(case, "linked", None, other.number, by=by, now=now)
        _field_change(other, "linked", None, case.number, by=by, now=now)
        audit.record("case.link", by=by, subject=case, other=other.id)


def linked_cases(case: Case) -> list[Case]:
    ids = sa.union(
        sa.select(CaseLink.to_case_id).where(CaseLink.from_case_id == case.id),
        sa.select(CaseLink.from_case_id).where(CaseLink.to_case_id == case.id),
    )
    return db.session.scalars(sa.select(Case).where(Case.id.in_(ids)).order_by(Case.id)).all()


def merge(duplicate: Case, *, into: Case, by: User, now: datetime | None = None) -> None:
    """Move a duplicate's timeline, files and contacts into another case and close it with a
    pointer to where it went."""
    if duplicate.id == into.id:
        raise InvalidTransition("a case cannot be merged into itself")
    if duplicate.status == CaseStatus.CLOSED and duplicate.merged_into_id:
        raise InvalidTransition("this case was already merged")
    now = now or utcnow()
    db.session.execute(
        sa.update(CaseEvent).where(CaseEvent.case_id == duplicate.id).values(case_id=into.id)
    )
    db.session.execute(
        sa.update(Attachment).where(Attachment.case_id == duplicate.id).values(case_id=into.id)
    )
    known = {(role.contact_id, role.kind) for role in into.contact_roles}
    incoming = [(role.contact_id, role.kind) for role in duplicate.contact_roles]
    if duplicate.requester_id is not None:
        incoming.append((duplicate.requester_id, ContactRoleKind.REQUESTER))
    for contact_id, kind in incoming:
        kind = ContactRoleKind.CC if kind == ContactRoleKind.REQUESTER else kind
        if contact_id != into.requester_id and (contact_id, kind) not in known:
            into.contact_roles.append(ContactRole(contact_id=contact_id, kind=kind))
            known.add((contact_id, kind))
    # Recorded as field changes (staff-only, see authz.event_filter), so each reader gets a
    # sentence in their own language rather than stored English.
    _field_change(into, "merged_from", None, duplicate.number, by=by, now=now)
    if duplicate.description:
        db.session.add(
            CaseEvent(
                case=into,
                kind=EventKind.PUBLIC_REPLY,
                created_at=duplicate.created_at,
                contact_id=duplicate.requester_id,
                body=duplicate.description,
            )
        )
    db.session.expire(into, ["events", "attachments"])
    followers.move(duplicate, into=into, now=now)
    duplicate.merged_into_id = into.id
    _field_change(duplicate, "merged_into", None, into.number, by=by, now=now)
    change_status(duplicate, CaseStatus.CLOSED, by=by, now=now)
    _touch(into, now)
    audit.record("case.merge", by=by, subject=duplicate, into=into.id)
