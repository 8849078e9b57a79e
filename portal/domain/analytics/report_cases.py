"""The report's case list: the cases created in the period that match the filters and that the
reader may see, counted for the page and written out as formula-safe CSV (no description, reply
or note). Separate from the figures because it reads cases, not KPIs, through `authz`.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from portal import authz
from portal.domain import voc
from portal.domain.analytics import reports
from portal.extensions import db
from portal.models import Account, Case, Queue, User

EXPORT_LIMIT = 50_000

CASE_HEADER = (
    "number",
    "subject",
    "status",
    "priority",
    "channel",
    "category",
    "queue",
    "tier",
    "assignee",
    "account",
    "created_at",
    "first_responded_at",
    "resolved_at",
    "closed_at",
    "first_response_business_minutes",
    "resolution_business_minutes",
    "reopens",
)


def _cases(asked: reports.ReportQuery, reader: User) -> list:
    """Cases created in the period that match the filters and that `reader` may see."""
    return [
        authz.case_filter(reader),
        Case.created_at >= asked.period.start,
        Case.created_at < asked.period.end,
        *asked.scope.on_cases(),
    ]


def case_count(asked: reports.ReportQuery, reader: User) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Case).where(*_cases(asked, reader))
    )


def case_rows(asked: reports.ReportQuery, reader: User) -> Iterator[tuple]:
    """The case list, oldest first, at most EXPORT_LIMIT rows, read in chunks. Times are in the
    report's time zone. No description, reply or note is part of it."""
    assignee = aliased(User)
    query = (
        sa.select(Case, Queue.name, assignee.name, Account.name)
        .outerjoin(Queue, Queue.id == Case.queue_id)
        .outerjoin(assignee, assignee.id == Case.assignee_id)
        .outerjoin(Account, Account.id == Case.account_id)
        .where(*_cases(asked, reader))
        .order_by(Case.created_at, Case.id)
        .limit(EXPORT_LIMIT)
        .execution_options(yield_per=1000)
    )
    tz = asked.period.tz

    def local(moment: datetime | None) -> str:
        return moment.astimezone(tz).isoformat(timespec="minutes") if moment else ""

    for case, queue, assignee_name, account in db.session.execute(query):
        yield (
            case.number,
            case.subject,
            case.status.value,
            case.priority.value,
            case.channel.value,
            case.category,
            queue,
            case.tier,
            assignee_name,
            account,
            local(case.created_at),
            local(case.first_responded_at),
            local(case.resolved_at),
            local(case.closed_at),
            case.first_response_minutes,
            case.resolution_minutes,
            case.reopen_count,
        )


def cases_csv(asked: reports.ReportQuery, reader: User) -> str:
    return voc.dashboard_csv(case_rows(asked, reader), CASE_HEADER)
