"""Filing a case: the categories and priorities a requester may pick, the colleagues they may
copy, and `open_case`, which routes the case, assigns it, starts its SLA clocks and tells the
requester. The one way in for every entry point (customer portal, agent workspace, email,
API, CLI)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from portal.domain import sla
from portal.domain.cases import assignment, notices, routing
from portal.domain.cases.uploads import Upload, store_uploads
from portal.extensions import db
from portal.kernel import audit
from portal.kernel.errors import NotAllowed
from portal.models import (
    Case,
    CaseLink,
    Channel,
    Contact,
    ContactRole,
    ContactRoleKind,
    Priority,
    User,
)
from portal.models._base import utcnow

CATEGORIES = ("general", "technical", "billing", "account", "shipping")
CUSTOMER_PRIORITIES = (Priority.LOW, Priority.NORMAL, Priority.HIGH)
URGENT_ENTITLEMENTS = frozenset({"premium"})


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
    store_uploads(case, list(uploads), by=by)
    if follow_up_of is not None:
        db.session.add(CaseLink(from_case_id=case.id, to_case_id=follow_up_of.id, kind="follow_up"))
    sla.start_clock(case, now=now)
    notices.case_received(case)
    audit.record("case.open", by=by, subject=case, channel=channel.value)
    return case
