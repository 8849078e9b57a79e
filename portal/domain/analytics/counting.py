"""When a case or an escalation counts towards a figure, as SQL conditions: in a period, resolved
in it, an SLA target met or missed in it (see `period_figures` for the definitions), a real move
up a tier. The single figures, the dashboard and the report buckets each build their queries from
these, which is how they keep giving one answer to one question.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from portal.domain.analytics import periods
from portal.models import Case, CaseStatus, Escalation


def in_period(column, when: periods.Period) -> sa.ColumnElement[bool]:
    return sa.and_(column >= when.start, column < when.end)


def resolved_in(when: periods.Period) -> sa.ColumnElement[bool]:
    """Resolved in the period, or closed in it without having been resolved; done now."""
    return sa.and_(
        Case.status.in_(CaseStatus.DONE),
        sa.or_(
            in_period(Case.resolved_at, when),
            sa.and_(Case.resolved_at.is_(None), in_period(Case.closed_at, when)),
        ),
    )


def sum_if(condition) -> sa.ColumnElement[int]:
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


def sla_conditions(when: periods.Period, now: datetime) -> dict[str, sa.ColumnElement[bool]]:
    """When a case counts as a met or missed target in `when`: fr_met, fr_missed, res_met,
    res_missed (shared by the period figures and the per-bucket ones)."""
    decided_by = min(when.end, now)
    due_passed = {
        "first": sa.and_(
            Case.first_response_due_at >= when.start,
            Case.first_response_due_at < decided_by,
        ),
        "resolution": sa.and_(
            Case.resolution_due_at >= when.start, Case.resolution_due_at < decided_by
        ),
    }
    done_at = sa.func.coalesce(Case.resolved_at, Case.closed_at)
    resolved_on_time = sa.and_(Case.status.in_(CaseStatus.DONE), done_at <= Case.resolution_due_at)
    responded_on_time = Case.first_responded_at <= Case.first_response_due_at

    def not_paused_before(due):
        # A clock paused before its due time is not late yet: resuming moves the due time.
        return sa.or_(Case.sla_paused_at.is_(None), Case.sla_paused_at > due)

    return {
        "fr_met": sa.and_(in_period(Case.first_responded_at, when), responded_on_time),
        "fr_missed": sa.and_(
            due_passed["first"],
            sa.or_(Case.first_responded_at.is_(None), ~responded_on_time),
            not_paused_before(Case.first_response_due_at),
        ),
        "res_met": sa.and_(resolved_in(when), resolved_on_time),
        "res_missed": sa.and_(
            due_passed["resolution"],
            sa.or_(~Case.status.in_(CaseStatus.DONE), done_at > Case.resolution_due_at),
            not_paused_before(Case.resolution_due_at),
        ),
    }


def real_escalation() -> sa.ColumnElement[bool]:
    """Moves up a tier; a tier-3 flag to supervisors is not an escalation."""
    return Escalation.to_tier > Escalation.from_tier
