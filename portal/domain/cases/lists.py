"""Read models for case lists: always through authz filters, with a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from portal import authz, numbers
from portal.extensions import db
from portal.kernel.errors import DomainError
from portal.kernel.pagination import Page, paginate
from portal.models import Case, CaseEvent, CaseStatus, User
from portal.models._base import utcnow

STATUS_GROUPS = {
    "open": (CaseStatus.NEW, CaseStatus.OPEN),
    "pending": (CaseStatus.PENDING,),
    "resolved": (CaseStatus.RESOLVED,),
    "closed": (CaseStatus.CLOSED,),
    "all": tuple(CaseStatus),
}
SORTS = {"updated": Case.updated_at.desc(), "oldest": Case.updated_at.asc()}
PER_PAGE = 20


class BadListRequest(DomainError):
    """A filter, scope, sort or page value outside what the list understands."""


def customer_query(user: User, scope: str) -> sa.Select:
    """`mine`: cases the user requested; `company`: every case the user may see."""
    if scope not in ("mine", "company"):
        raise BadListRequest(scope)
    query = authz.visible_cases(user)
    if scope == "mine":
        query = query.where(Case.requester_id == user.contact_id)
    return query


def customer_cases(user: User, *, scope: str, status: str, sort: str, page: int) -> Page[Case]:
    """One page of the customer's cases: two queries whatever the data size."""
    if status not in STATUS_GROUPS or sort not in SORTS or page < 1:
        raise BadListRequest(f"{status} {sort} {page}")
    query = customer_query(user, scope).where(Case.status.in_(STATUS_GROUPS[status]))
    return paginate(
        query.options(joinedload(Case.requester)).order_by(SORTS[sort], Case.id.desc()),
        number=page,
        per_page=PER_PAGE,
        past_end=True,
    )


def customer_home(user: User) -> dict[str, list[Case]]:
    """Open cases, cases waiting for the customer, and those resolved in the last 30 days."""
    mine = customer_query(user, "mine").order_by(Case.updated_at.desc())
    since = utcnow() - timedelta(days=30)
    return {
        "open": db.session.scalars(
            mine.where(Case.status.in_(STATUS_GROUPS["open"])).limit(10)
        ).all(),
        "waiting": db.session.scalars(mine.where(Case.status == CaseStatus.PENDING)).all(),
        "resolved": db.session.scalars(
            mine.where(Case.status == CaseStatus.RESOLVED, Case.resolved_at >= since).limit(5)
        ).all(),
    }


def timeline(user: User, case: Case) -> list[CaseEvent]:
    """The case timeline as the reader may see it, authors and files loaded with it."""
    return db.session.scalars(
        authz.visible_events(user, case).options(
            joinedload(CaseEvent.author), selectinload(CaseEvent.attachments)
        )
    ).all()


# --- Agent lists -----------------------------------------------------------------------------

AGENT_SORTS = {
    "due": (Case.resolution_due_at.is_(None), Case.resolution_due_at.asc(), Case.id.asc()),
    "priority": (
        sa.case(
            {"urgent": 0, "high": 1, "normal": 2, "low": 3}, value=Case.priority, else_=4
        ).asc(),
        Case.resolution_due_at.asc(),
        Case.id.asc(),
    ),
    "updated": (Case.updated_at.desc(), Case.id.desc()),
    "age": (Case.created_at.asc(), Case.id.asc()),
}
SLA_STATES = ("ok", "warning", "breached")
QUEUE_PER_PAGE = 50


def breached_clause(now) -> sa.ColumnElement[bool]:
    """A running case past a due time it has not met (pending cases' clocks are paused)."""
    return sa.and_(
        Case.status.in_(CaseStatus.RUNNING),
        sa.or_(
            sa.and_(Case.first_responded_at.is_(None), Case.first_response_due_at < now),
            Case.resolution_due_at < now,
        ),
    )


def sla_state_clause(state: str, now) -> sa.ColumnElement[bool]:
    breached = breached_clause(now)
    if state == "breached":
        return breached
    warning = sa.and_(
        Case.status.in_(CaseStatus.RUNNING), Case.sla_warning_at <= now, sa.not_(breached)
    )
    if state == "warning":
        return warning
    return sa.and_(sa.not_(breached), sa.not_(warning))


@dataclass
class QueueFilters:
    """Validated filters of a queue page; every value comes from a fixed vocabulary or an id."""

    status: str | None = None
    priority: str | None = None
    assignee: str | None = None  # user id, "none" or "me"
    account_id: int | None = None
    channel: str | None = None
    category: str | None = None
    sla: str | None = None
    sort: str = "due"
    page: int = 1

    @classmethod
    def parse(cls, args) -> QueueFilters:
        """From request arguments; anything outside the vocabulary is a BadListRequest."""
        from portal.models import Channel, Priority

        def pick(name, allowed):
            value = args.get(name) or None
            if value is not None and value not in allowed:
                raise BadListRequest(name)
            return value

        def number(name):
            value = args.get(name) or None
            if value is None:
                return None
            try:
                return numbers.parse_int(value, low=1, high=numbers.DB_INT_MAX)
            except numbers.BadNumber:
                raise BadListRequest(name) from None

        assignee = args.get("assignee") or None
        if assignee not in (None, "none", "me"):
            assignee = str(number("assignee"))
        filters = cls(
            status=pick("status", {s.value for s in CaseStatus} | {"active"}),
            priority=pick("priority", {p.value for p in Priority}),
            assignee=assignee,
            account_id=number("account"),
            channel=pick("channel", {c.value for c in Channel}),
            category=(args.get("category") or None),
            sla=pick("sla", set(SLA_STATES)),
            sort=pick("sort", set(AGENT_SORTS)) or "due",
            page=number("page") or 1,
        )
        if filters.category is not None and len(filters.category) > 60:
            raise BadListRequest("category")
        return filters

    def apply(self, query: sa.Select, user: User, now) -> sa.Select:
        if self.status == "active" or self.status is None:
            query = query.where(Case.status.in_((*CaseStatus.RUNNING, CaseStatus.PENDING)))
        elif self.status:
            query = query.where(Case.status == self.status)
        if self.priority:
            query = query.where(Case.priority == self.priority)
        if self.assignee == "none":
            query = query.where(Case.assignee_id.is_(None))
        elif self.assignee == "me":
            query = query.where(Case.assignee_id == user.id)
        elif self.assignee:
            query = query.where(Case.assignee_id == int(self.assignee))
        if self.account_id:
            query = query.where(Case.account_id == self.account_id)
        if self.channel:
            query = query.where(Case.channel == self.channel)
        if self.category:
            query = query.where(Case.category == self.category)
        if self.sla:
            query = query.where(sla_state_clause(self.sla, now))
        return query


def queue_cases(user: User, queue_id: int, filters: QueueFilters) -> Page[Case]:
    """One page of a queue, through the reader's case filter: two queries at any depth."""
    now = utcnow()
    query = filters.apply(authz.visible_cases(user).where(Case.queue_id == queue_id), user, now)
    return paginate(
        query.options(
            joinedload(Case.requester), joinedload(Case.account), joinedload(Case.assignee)
        ).order_by(*AGENT_SORTS[filters.sort]),
        number=filters.page,
        per_page=QUEUE_PER_PAGE,
        past_end=True,
    )


def my_work(user: User, *, limit: int = 100) -> list[Case]:
    """Cases assigned to me that are still being worked, next SLA due first."""
    next_due = sa.case(
        (
            Case.first_responded_at.is_(None),
            sa.func.coalesce(Case.first_response_due_at, Case.resolution_due_at),
        ),
        else_=Case.resolution_due_at,
    )
    return db.session.scalars(
        authz.visible_cases(user)
        .where(
            Case.assignee_id == user.id, Case.status.in_((*CaseStatus.RUNNING, CaseStatus.PENDING))
        )
        .options(joinedload(Case.requester), joinedload(Case.account), joinedload(Case.queue))
        .order_by(next_due.is_(None), next_due.asc(), Case.id)
        .limit(limit)
    ).all()


def queue_counts(user: User, queue_ids: list[int]) -> dict[int, dict[str, int]]:
    """Per queue: new, open, pending and breaching cases (one grouped query)."""
    now = utcnow()
    breaching = sa.func.sum(sa.case((breached_clause(now), 1), else_=0))
    rows = db.session.execute(
        sa.select(Case.queue_id, Case.status, sa.func.count(), breaching)
        .where(
            authz.case_filter(user),
            Case.queue_id.in_(queue_ids),
            Case.status.in_((*CaseStatus.RUNNING, CaseStatus.PENDING)),
        )
        .group_by(Case.queue_id, Case.status)
    ).all()
    counts = {qid: {"new": 0, "open": 0, "pending": 0, "breached": 0} for qid in queue_ids}
    for queue_id, status, count, breached in rows:
        counts[queue_id][CaseStatus(status).value] = count
        counts[queue_id]["breached"] += int(breached or 0)
    return counts
