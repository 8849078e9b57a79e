"""Every supervisor figure for a scope and a period, one figure per call.

The dashboard, goals, reports and the weekly email all read their numbers from here or from
`dashboard_figures` and `report_figures`, which compute the same figures together on the same
`counting` conditions, so one question always gets one answer. A figure is asked for a `Scope`
(all, one queue, one tier or one agent; by the case's current queue, tier and assignee) and a
`Period` (whole days in the reader's time zone). Definitions (docs/decisions.md, "Supervisor
KPIs"):

- created: cases opened in the period; resolved: cases resolved (or closed unresolved) in the
  period that are still resolved or closed now.
- first-response and resolution times: business minutes in the case's SLA calendar, time
  spent pending taken out (`domain.cases.metrics`), for cases first answered / resolved in
  the period. Median and 90th percentile interpolate linearly between ranks.
- SLA compliance: each target counts once, in the period it was decided: met when answered or
  resolved by its due time (counted when that happened), missed when its due time passed
  first (counted at the due time).
- reopen rate: share of the period's resolved cases that had been reopened; first-contact
  resolution: share resolved with at most one agent reply and never reopened.
- escalation rate of a tier: escalations out of it over the cases it took on (opened at that
  tier, or escalated into it); bounce-back rate: share of its escalations returned to it.
- CSAT %: ratings of 4 or 5 over all ratings given in the period (`voc_metrics`).
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

import sqlalchemy as sa

from portal.domain import voc
from portal.domain.analytics import counting, measures, periods, scopes
from portal.extensions import db
from portal.models import Case, Escalation, EscalationState, Feedback


def created_count(scope: scopes.Scope, when: periods.Period) -> int:
    query = (
        sa.select(sa.func.count())
        .select_from(Case)
        .where(counting.in_period(Case.created_at, when))
    )
    return db.session.scalar(query.where(*scope.on_cases())) or 0


MinuteCounts = dict[int | None, Counter]


def minute_counts(column, condition, scope: scopes.Scope) -> MinuteCounts:
    """{assignee id: {minutes: cases}} of the cases matching `condition`: one grouped query."""
    query = (
        sa.select(Case.assignee_id, column, sa.func.count())
        .where(condition, column.is_not(None), *scope.on_cases())
        .group_by(Case.assignee_id, column)
    )
    by_agent: MinuteCounts = {}
    for agent_id, minutes, count in db.session.execute(query):
        by_agent.setdefault(agent_id, Counter())[minutes] += int(count)
    return by_agent


def everyone(by_agent: MinuteCounts) -> Counter:
    total: Counter = Counter()
    for counts in by_agent.values():
        total.update(counts)
    return total


def response_counts(scope: scopes.Scope, when: periods.Period) -> MinuteCounts:
    return minute_counts(
        Case.first_response_minutes, counting.in_period(Case.first_responded_at, when), scope
    )


def first_responses(
    scope: scopes.Scope, when: periods.Period, *, counts: MinuteCounts | None = None
) -> measures.Durations:
    """Times to first response of the cases first answered in the period (`counts`: the same
    figures already fetched, as the dashboard shares them with the agent table)."""
    return measures.Durations.of_counts(
        everyone(counts if counts is not None else response_counts(scope, when))
    )


def resolutions(scope: scopes.Scope, when: periods.Period) -> measures.Resolutions:
    condition = counting.resolved_in(when)
    counts = db.session.execute(
        sa.select(
            sa.func.count(),
            sa.func.coalesce(sa.func.sum(sa.case((Case.reopen_count > 0, 1), else_=0)), 0),
            sa.func.coalesce(
                sa.func.sum(
                    sa.case(((Case.reopen_count == 0) & (Case.agent_replies <= 1), 1), else_=0)
                ),
                0,
            ),
        ).where(condition, *scope.on_cases())
    ).one()
    minutes = everyone(minute_counts(Case.resolution_minutes, condition, scope))
    return measures.Resolutions(
        int(counts[0]), int(counts[1]), int(counts[2]), measures.Durations.of_counts(minutes)
    )


def _compliance_columns(when: periods.Period, now: datetime) -> list:
    """met/missed sums for both SLA clocks (see the module docstring)."""
    return [
        counting.sum_if(condition).label(name)
        for name, condition in counting.sla_conditions(when, now).items()
    ]


def _relevant_to_sla(when: periods.Period) -> sa.ColumnElement[bool]:
    return sa.or_(
        counting.in_period(Case.first_responded_at, when),
        counting.in_period(Case.first_response_due_at, when),
        counting.in_period(Case.resolution_due_at, when),
        counting.resolved_in(when),
    )


def _compliance(row) -> measures.SLACompliance:
    return measures.SLACompliance(
        measures.Compliance(int(row.fr_met), int(row.fr_missed)),
        measures.Compliance(int(row.res_met), int(row.res_missed)),
    )


def sla_compliance(
    scope: scopes.Scope, when: periods.Period, *, now: datetime
) -> measures.SLACompliance:
    query = sa.select(*_compliance_columns(when, now)).where(
        _relevant_to_sla(when), *scope.on_cases()
    )
    return _compliance(db.session.execute(query).one())


def tier_rates(scope: scopes.Scope, when: periods.Period) -> list[measures.TierRates]:
    """Escalation and bounce-back figures per tier (the scope's tier only, for a tier scope)."""
    tiers = scope.tiers()
    # Work is taken on at the tier a case opened at, whatever tier it is at now.
    opened_in_scope = [] if scope.kind == "tier" else scope._own_on_cases()
    if scope.filters:
        opened_in_scope += scope.filters.on_cases(tier=False)
    opened = dict(
        db.session.execute(
            sa.select(Case.opened_tier, sa.func.count())
            .where(counting.in_period(Case.created_at, when), Case.opened_tier.in_(tiers))
            .where(*opened_in_scope)
            .group_by(Case.opened_tier)
        ).all()
    )
    into_scope = []
    if scope.kind == "queue":
        into_scope = [Escalation.to_queue_id == scope.id]
    elif scope.kind == "agent":
        into_scope = [Escalation.handled_by_id == scope.id]
    if scope.filters:
        into_scope += scope.filters.on_escalations_in()
    escalated_in = dict(
        db.session.execute(
            sa.select(Escalation.to_tier, sa.func.count())
            .where(
                counting.real_escalation(),
                counting.in_period(Escalation.created_at, when),
                *into_scope,
            )
            .where(Escalation.to_tier.in_(tiers))
            .group_by(Escalation.to_tier)
        ).all()
    )
    out = {
        row.from_tier: row
        for row in db.session.execute(
            sa.select(
                Escalation.from_tier,
                sa.func.count().label("escalated"),
                counting.sum_if(Escalation.state == EscalationState.RETURNED).label("returned"),
            )
            .where(counting.real_escalation(), counting.in_period(Escalation.created_at, when))
            .where(*scope.on_escalations_out(), Escalation.from_tier.in_(tiers))
            .group_by(Escalation.from_tier)
        )
    }
    return [
        measures.TierRates(
            tier,
            int(opened.get(tier, 0)) + int(escalated_in.get(tier, 0)),
            int(out[tier].escalated) if tier in out else 0,
            int(out[tier].returned) if tier in out else 0,
        )
        for tier in tiers
    ]


def csat(scope: scopes.Scope, when: periods.Period) -> voc.Scores:
    if scope.filters is None:
        return voc.scores(when.start, when.end, **scope.feedback_filter())
    # The same answers and sums as voc_metrics.scores, narrowed by the report filters.
    query = sa.select(*voc.score_columns()).where(
        voc.answered_surveys(), counting.in_period(Feedback.created_at, when), *scope.on_feedback()
    )
    return voc.scores_from_row(db.session.execute(query).one())


def escalation_reasons(
    scope: scopes.Scope, when: periods.Period, *, limit: int = 5
) -> list[tuple[str, int]]:
    """The commonest reasons of the escalations out of the scope in the period (as counted by
    `tier_rates`), most frequent first. One query."""
    count = sa.func.count().label("n")
    rows = db.session.execute(
        sa.select(Escalation.reason, count)
        .where(counting.real_escalation(), counting.in_period(Escalation.created_at, when))
        .where(*scope.on_escalations_out(), Escalation.from_tier.in_(scope.tiers()))
        .group_by(Escalation.reason)
        .order_by(count.desc(), Escalation.reason)
        .limit(limit)
    )
    return [(reason, int(n)) for reason, n in rows]
