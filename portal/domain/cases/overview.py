"""Read models for the home page: recent cases and counts, always through authz filters."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from portal import authz
from portal.extensions import db
from portal.models import Case, CaseStatus, User


def recent_cases(user: User, *, limit: int = 20) -> list[Case]:
    """The reader's most recently updated cases, with their related rows, in one query."""
    query = (
        authz.visible_cases(user)
        .options(
            joinedload(Case.requester),
            joinedload(Case.account),
            joinedload(Case.assignee),
            joinedload(Case.queue),
        )
        .order_by(Case.updated_at.desc(), Case.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query).unique())


def status_counts(user: User) -> dict[CaseStatus, int]:
    """How many visible cases are in each status (one grouped query)."""
    rows = db.session.execute(
        sa.select(Case.status, sa.func.count()).where(authz.case_filter(user)).group_by(Case.status)
    ).all()
    counts = {status: 0 for status in CaseStatus}
    counts.update({status: count for status, count in rows})
    return counts
