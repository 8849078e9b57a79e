"""Recording missed targets: one SLABreach row per (case, metric, due time), found in SQL
for all cases at once.

Separate because it is the sweep's batch work over every case, with its own queries and
insert-or-skip, while the rest of the engine looks at one case at a time.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from portal.domain.sla import calendars, clocks, policies
from portal.extensions import db
from portal.models import Account, BusinessCalendar, Case, CaseStatus, SLABreach, SLAPolicy


def _with_policy_calendar(query: sa.Select) -> sa.Select:
    """Join each case to its policy's calendar id (None without a policy)."""
    return query.outerjoin(Account, Account.id == Case.account_id).outerjoin(
        SLAPolicy,
        sa.and_(
            SLAPolicy.entitlement
            == sa.func.coalesce(Account.entitlement, policies.DEFAULT_ENTITLEMENT),
            SLAPolicy.priority == Case.priority,
        ),
    )


def _not_recorded(metric: clocks.Metric, due):
    return ~sa.exists().where(
        SLABreach.case_id == Case.id, SLABreach.metric == metric, SLABreach.due_at == due
    )


def _running_at(due):
    """The clock was still running at the due time: not paused now, or paused only after it."""
    return sa.or_(Case.sla_paused_at.is_(None), due < Case.sla_paused_at)


def _missed_first_responses(now: datetime) -> list[tuple[int, datetime, datetime, int | None]]:
    """(case id, due time, end of the lateness, calendar id) of unrecorded first-response misses."""
    due = Case.first_response_due_at
    query = _with_policy_calendar(
        sa.select(Case.id, due, Case.first_responded_at, Case.sla_paused_at, SLAPolicy.calendar_id)
    ).where(
        due.is_not(None),
        due < now,
        _running_at(due),
        sa.or_(
            sa.and_(Case.first_responded_at.is_(None), Case.status.not_in(CaseStatus.DONE)),
            Case.first_responded_at > due,
        ),
        _not_recorded(clocks.FIRST_RESPONSE, due),
    )
    return [
        (case_id, due_at, responded_at or paused_at or now, calendar_id)
        for case_id, due_at, responded_at, paused_at, calendar_id in db.session.execute(query)
    ]


def _missed_resolutions(now: datetime) -> list[tuple[int, datetime, datetime, int | None]]:
    """(case id, due time, end of the lateness, calendar id) of unrecorded resolution misses."""
    due = Case.resolution_due_at
    done = Case.status.in_(CaseStatus.DONE)
    query = _with_policy_calendar(
        sa.select(
            Case.id,
            due,
            Case.status,
            Case.resolved_at,
            Case.closed_at,
            Case.sla_paused_at,
            SLAPolicy.calendar_id,
        )
    ).where(
        due.is_not(None),
        due < now,
        _running_at(due),
        sa.or_(~done, sa.func.coalesce(Case.resolved_at, Case.closed_at) > due),
        _not_recorded(clocks.RESOLUTION, due),
    )
    return [
        (
            case_id,
            due_at,
            (resolved_at or closed_at if status in CaseStatus.DONE else None) or paused_at or now,
            calendar_id,
        )
        for case_id, due_at, status, resolved_at, closed_at, paused_at, calendar_id in (
            db.session.execute(query)
        )
    ]


def _calendars(ids: set[int]) -> dict[int, BusinessCalendar]:
    if not ids:
        return {}
    query = (
        sa.select(BusinessCalendar)
        .where(BusinessCalendar.id.in_(ids))
        .options(joinedload(BusinessCalendar.holidays))
    )
    return {calendar.id: calendar for calendar in db.session.scalars(query).unique()}


def _insert_new_breaches(rows: list[dict]) -> list[SLABreach]:
    """Insert the rows, skipping any that a concurrent sweep recorded in the meantime."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:
        breaches = [SLABreach(**row) for row in rows]
        db.session.add_all(breaches)
        db.session.flush()
        return breaches
    statement = insert(SLABreach).on_conflict_do_nothing().returning(SLABreach)
    return list(db.session.scalars(statement, rows))


def record_breaches(*, now: datetime) -> list[SLABreach]:
    """Record every missed target not yet recorded, as SLABreach rows; returns the new rows.

    A target is missed when its due time has passed while the clock was running and:
    - first response: the case has no first response and is not resolved or closed, or the
      first response came after the due time (recorded late, overdue = its lateness);
    - resolution: the case is not resolved or closed, or it was resolved after the due time.
    A case paused before its due time is not breached while it stays pending.

    `breached_at` is `now` (when the sweep saw it; `due_at` says when it was missed), and
    `overdue_minutes` counts business minutes on the policy's calendar (wall-clock minutes
    without a policy) from the due time to the reply, resolution, pause or `now`. One row per
    (case, metric, due_at): calling again adds nothing, while a retargeted due time (priority
    change) can be missed anew. A fixed number of statements, however many cases.
    """
    now = calendars.as_utc(now)
    missed = [
        *((clocks.FIRST_RESPONSE, *row) for row in _missed_first_responses(now)),
        *((clocks.RESOLUTION, *row) for row in _missed_resolutions(now)),
    ]
    if not missed:
        return []
    calendars_by_id = _calendars({row[4] for row in missed if row[4] is not None})
    rows = []
    for metric, case_id, due_at, late_until, calendar_id in missed:
        if calendar_id in calendars_by_id:
            overdue = calendars.business_minutes_between(
                calendars_by_id[calendar_id], due_at, late_until
            )
        else:
            overdue = max(0, int((late_until - due_at).total_seconds() // 60))
        rows.append(
            {
                "case_id": case_id,
                "metric": metric,
                "due_at": due_at,
                "breached_at": now,
                "overdue_minutes": overdue,
            }
        )
    return _insert_new_breaches(rows)
