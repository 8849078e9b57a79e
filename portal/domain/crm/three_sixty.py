"""The 360 views: an account's or a contact's whole history of cases and interactions.

The 360 views read every case through `authz.case_filter(reader)`, so a reader never sees a case
of a tier above theirs, and run a fixed number of queries whatever the number of cases and
timeline entries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload

from portal import authz
from portal.extensions import db
from portal.kernel.pagination import Page, paginate
from portal.models import (
    Account,
    Case,
    CaseEvent,
    CaseStatus,
    Contact,
    ContactRole,
    EventKind,
    SLAPolicy,
    User,
)
from portal.models._base import utcnow

TIMELINE_KINDS = (EventKind.PUBLIC_REPLY, EventKind.INTERNAL_NOTE, EventKind.INTERACTION)
TIMELINE_LIMIT = 50
CASES_PER_PAGE = 25
ACCOUNT_CONTACTS_LIMIT = 200


@dataclass
class CaseCounts:
    total: int = 0
    open: int = 0
    this_year: int = 0
    resolved: int = 0
    average_resolution: timedelta | None = None


@dataclass
class TimelineEntry:
    """One line of the interaction timeline: a case opened, or an event on a case."""

    at: datetime
    case: Case
    event: CaseEvent | None = None

    @property
    def kind(self) -> str:
        return "opened" if self.event is None else self.event.kind.value


@dataclass
class Overview:
    """What a 360 view shows about the cases in its scope, as the reader may see them."""

    counts: CaseCounts
    cases: Page[Case]
    timeline: list[TimelineEntry] = field(default_factory=list)


def _seconds(start, end) -> sa.ColumnElement[float]:
    """Seconds from `start` to `end`, on PostgreSQL and SQLite."""
    if db.session.get_bind().dialect.name == "postgresql":
        return sa.func.extract("epoch", end - start)
    return (sa.func.julianday(end) - sa.func.julianday(start)) * 86400.0


def _counts(scope: sa.ColumnElement[bool], reader: User, now: datetime) -> CaseCounts:
    """Open cases, cases this (UTC) year and the average time to resolution, in one query."""
    year_start = datetime(now.year, 1, 1, tzinfo=UTC)
    row = db.session.execute(
        sa.select(
            sa.func.count(Case.id),
            sa.func.coalesce(
                sa.func.sum(sa.case((Case.status.in_(CaseStatus.WORKING), 1), else_=0)), 0
            ),
            sa.func.coalesce(sa.func.sum(sa.case((Case.created_at >= year_start, 1), else_=0)), 0),
            sa.func.count(Case.resolved_at),
            sa.func.avg(_seconds(Case.created_at, Case.resolved_at)),
        ).where(scope, authz.case_filter(reader))
    ).one()
    total, open_count, this_year, resolved, average = row
    return CaseCounts(
        total=total,
        open=int(open_count),
        this_year=int(this_year),
        resolved=resolved,
        average_resolution=None if average is None else timedelta(seconds=round(float(average))),
    )


def _overview(
    scope: sa.ColumnElement[bool], reader: User, *, page: int, now: datetime | None
) -> Overview:
    """Counts, one page of cases (newest activity first) and the merged timeline: five
    queries, whatever the data size."""
    now = now or utcnow()
    counts = _counts(scope, reader, now)
    visible = authz.visible_cases(reader).where(scope)
    cases = paginate(
        visible.options(
            joinedload(Case.requester), joinedload(Case.assignee), joinedload(Case.queue)
        ).order_by(Case.updated_at.desc(), Case.id.desc()),
        number=page,
        per_page=CASES_PER_PAGE,
        total=counts.total,
        past_end=True,
    )
    events = db.session.scalars(
        sa.select(CaseEvent)
        .join(CaseEvent.case)
        .options(
            contains_eager(CaseEvent.case).joinedload(Case.requester),
            joinedload(CaseEvent.author),
        )
        .where(
            scope,
            authz.case_filter(reader),
            authz.event_filter(reader),
            CaseEvent.kind.in_(TIMELINE_KINDS),
        )
        .order_by(CaseEvent.created_at.desc(), CaseEvent.id.desc())
        .limit(TIMELINE_LIMIT)
    ).all()
    opened = db.session.scalars(
        visible.options(joinedload(Case.requester))
        .order_by(Case.created_at.desc(), Case.id.desc())
        .limit(TIMELINE_LIMIT)
    ).all()
    entries = [
        TimelineEntry(at=event.occurred_at or event.created_at, case=event.case, event=event)
        for event in events
    ]
    entries += [TimelineEntry(at=case.created_at, case=case) for case in opened]
    entries.sort(key=lambda entry: (entry.at, entry.event is not None), reverse=True)
    return Overview(counts=counts, cases=cases, timeline=entries[:TIMELINE_LIMIT])


@dataclass
class AccountView:
    account: Account
    overview: Overview
    contacts: list[Contact]
    contact_total: int
    roles: dict[int, list[ContactRole]]
    logins: set[int]
    policies: list[SLAPolicy]


def account_360(
    account: Account, *, reader: User, page: int = 1, now: datetime | None = None
) -> AccountView:
    """An account's details, SLA policies, contacts with roles, cases and timeline."""
    contact_query = sa.select(Contact).where(
        Contact.account_id == account.id, Contact.merged_into_id.is_(None)
    )
    contact_total = db.session.scalar(
        sa.select(sa.func.count()).select_from(contact_query.subquery())
    )
    contacts = list(
        db.session.scalars(
            contact_query.order_by(Contact.name, Contact.id).limit(ACCOUNT_CONTACTS_LIMIT)
        )
    )
    ids = [contact.id for contact in contacts]
    roles: dict[int, list[ContactRole]] = {}
    for role in db.session.scalars(
        sa.select(ContactRole)
        .where(ContactRole.account_id == account.id, ContactRole.contact_id.in_(ids))
        .order_by(ContactRole.id)
    ):
        roles.setdefault(role.contact_id, []).append(role)
    logins = set(db.session.scalars(sa.select(User.contact_id).where(User.contact_id.in_(ids))))
    policies = list(
        db.session.scalars(
            sa.select(SLAPolicy)
            .options(joinedload(SLAPolicy.calendar))
            .where(SLAPolicy.entitlement == account.entitlement)
            .order_by(SLAPolicy.first_response_minutes, SLAPolicy.id)
        )
    )
    return AccountView(
        account=account,
        overview=_overview(Case.account_id == account.id, reader, page=page, now=now),
        contacts=contacts,
        contact_total=contact_total,
        roles=roles,
        logins=logins,
        policies=policies,
    )


@dataclass
class ContactView:
    contact: Contact
    overview: Overview
    login: User | None
    account_roles: list[ContactRole]
    merged_into: Contact | None


def contact_scope(contact: Contact) -> sa.ColumnElement[bool]:
    """Cases the contact requested or holds a role on (copied, technical, billing, ...)."""
    return sa.or_(
        Case.requester_id == contact.id,
        Case.id.in_(
            sa.select(ContactRole.case_id).where(
                ContactRole.contact_id == contact.id, ContactRole.case_id.is_not(None)
            )
        ),
    )


def contact_360(
    contact: Contact, *, reader: User, page: int = 1, now: datetime | None = None
) -> ContactView:
    """A contact's details, login, account roles, cases and timeline."""
    login = db.session.scalars(sa.select(User).where(User.contact_id == contact.id)).first()
    account_roles = list(
        db.session.scalars(
            sa.select(ContactRole)
            .where(ContactRole.contact_id == contact.id, ContactRole.account_id.is_not(None))
            .order_by(ContactRole.id)
        )
    )
    merged_into = (
        db.session.get(Contact, contact.merged_into_id) if contact.merged_into_id else None
    )
    return ContactView(
        contact=contact,
        overview=_overview(contact_scope(contact), reader, page=page, now=now),
        login=login,
        account_roles=account_roles,
        merged_into=merged_into,
    )
