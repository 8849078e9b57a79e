"""Read models for case lists: always through authz filters, with a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from portal import authz
from portal.extensions import db
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


class BadListRequest(ValueError):
    """A filter, scope, sort or page value outside what the list understands."""


@dataclass
class CasePage:
    cases: list[Case]
    total: int
    page: int
    pages: int


def customer_query(user: User, scope: str) -> sa.Select:
    """`mine`: cases the user requested; `company`: every case the user may see."""
    if scope not in ("mine", "company"):
        raise BadListRequest(scope)
    query = authz.visible_cases(user)
    if scope == "mine":
        query = query.where(Case.requester_id == user.contact_id)
    return query


def customer_cases(user: User, *, scope: str, status: str, sort: str, page: int) -> CasePage:
    """One page of the customer's cases: two queries whatever the data size."""
    if status not in STATUS_GROUPS or sort not in SORTS or page < 1:
        raise BadListRequest(f"{status} {sort} {page}")
    query = customer_query(user, scope).where(Case.status.in_(STATUS_GROUPS[status]))
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    rows = db.session.scalars(
        query.options(joinedload(Case.requester))
        .order_by(SORTS[sort], Case.id.desc())
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    ).all()
    return CasePage(cases=list(rows), total=total, page=page, pages=max(1, -(-total // PER_PAGE)))


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
