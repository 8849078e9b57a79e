"""Everything the supervisor dashboard shows, in a fixed number of queries: the backlog by age,
the daily series, the per-agent table and the period's figures from one pass over the scope's
cases. Kept apart from `period_figures`, which answers one figure per query: the dashboard reads
the same figures together and a test holds the two equal.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa

from portal.domain import voc
from portal.domain.analytics import counting, measures, period_figures, periods, scopes, series
from portal.extensions import db
from portal.models import Case, CaseStatus, Role, User

# Backlog age buckets in days: [low, high), the last open-ended.
AGE_BUCKETS = ((0, 1), (1, 3), (3, 7), (7, 30), (30, None))


@dataclass(frozen=True)
class AgeBucket:
    low_days: int
    high_days: int | None
    count: int


def _age_conditions(now: datetime) -> list[sa.ColumnElement[bool]]:
    """An unresolved case's age bucket, one condition per AGE_BUCKETS entry."""
    conditions = []
    for low, high in AGE_BUCKETS:
        condition = sa.and_(
            Case.status.in_(CaseStatus.WORKING), Case.created_at <= now - timedelta(days=low)
        )
        if high is not None:
            condition = sa.and_(condition, Case.created_at > now - timedelta(days=high))
        conditions.append(condition)
    return conditions


def _buckets(counts: Mapping[str, int]) -> list[AgeBucket]:
    return [AgeBucket(low, high, int(counts[f"b{n}"])) for n, (low, high) in enumerate(AGE_BUCKETS)]


def backlog(scope: scopes.Scope, *, now: datetime) -> list[AgeBucket]:
    """Unresolved cases now, by age. One query."""
    columns = [counting.sum_if(c).label(f"b{n}") for n, c in enumerate(_age_conditions(now))]
    row = db.session.execute(
        sa.select(*columns).where(Case.status.in_(CaseStatus.WORKING), *scope.on_cases())
    ).one()
    return _buckets(row._mapping)


def _case_totals(
    scope: scopes.Scope, when: periods.Period, now: datetime
) -> dict[int | None, Counter]:
    """The dashboard's case counts per assignee in ONE pass over the scope's cases (the
    conditions are those of created_count, resolutions, sla_compliance and backlog, which
    answer one figure each; a test holds them equal): {assignee id: Counter}."""
    resolved = counting.resolved_in(when)
    conditions = {
        "created": counting.in_period(Case.created_at, when),
        "resolved": resolved,
        "reopened": sa.and_(resolved, Case.reopen_count > 0),
        "first_contact": sa.and_(resolved, Case.reopen_count == 0, Case.agent_replies <= 1),
        "open": Case.status.in_(CaseStatus.WORKING),
        **counting.sla_conditions(when, now),
        **{f"b{n}": c for n, c in enumerate(_age_conditions(now))},
    }
    query = (
        sa.select(
            Case.assignee_id, *[counting.sum_if(c).label(name) for name, c in conditions.items()]
        )
        .where(*scope.on_cases())
        .group_by(Case.assignee_id)
    )
    return {
        row.assignee_id: Counter({name: int(row._mapping[name]) for name in conditions})
        for row in db.session.execute(query)
    }


@dataclass
class AgentRow:
    """One agent's figures for the period; `open` is their unresolved cases now."""

    user: User
    open: int = 0
    resolved: int = 0
    response: measures.Durations = field(default_factory=measures.Durations)
    sla: measures.Compliance = field(default_factory=measures.Compliance)
    csat: voc.Scores = field(default_factory=voc.Scores)


def agent_table(
    scope: scopes.Scope,
    when: periods.Period,
    *,
    now: datetime,
    totals: dict[int | None, Counter] | None = None,
    response_counts: period_figures.MinuteCounts | None = None,
) -> list[AgentRow]:
    """Per-agent figures for the scope. A fixed number of queries, whatever the team size
    (`totals` and `response_counts`: the same figures already fetched by the dashboard)."""
    totals = totals if totals is not None else _case_totals(scope, when, now)
    # Agents with anything to show: open cases now, or work counted in the period.
    totals = {k: v for k, v in totals.items() if k is not None and any(v.values())}
    responses = (
        response_counts
        if response_counts is not None
        else period_figures.response_counts(scope, when)
    )
    responses = {k: v for k, v in responses.items() if k is not None}
    feedback = scope.feedback_filter()
    scores = voc.scores_by_agent(
        when.start, when.end, queue_id=feedback.get("queue_id"), tier=feedback.get("tier")
    )
    if scope.kind == "agent":
        scores = {k: v for k, v in scores.items() if k == scope.id}
    ids = set(totals) | set(responses) | set(scores)
    if scope.kind == "agent":
        ids.add(scope.id)
    users = db.session.scalars(
        sa.select(User).where(User.id.in_(ids), User.role != Role.CUSTOMER).order_by(User.name)
    ).all()
    rows = []
    for user in users:
        n = totals.get(user.id, Counter())
        rows.append(
            AgentRow(
                user,
                n["open"],
                n["resolved"],
                measures.Durations.of_counts(responses.get(user.id, Counter())),
                measures.Compliance(n["fr_met"] + n["res_met"], n["fr_missed"] + n["res_missed"]),
                scores.get(user.id, voc.Scores()),
            )
        )
    return rows


@dataclass
class Dashboard:
    scope: scopes.Scope
    period: periods.Period
    created: int
    backlog: list[AgeBucket]
    days: list[series.Day]
    first_response: measures.Durations
    resolutions: measures.Resolutions
    sla: measures.SLACompliance
    tiers: list[measures.TierRates]
    csat: voc.Scores
    agents: list[AgentRow]

    @property
    def all_tiers(self) -> measures.TierRates:
        return measures.total_rates(self.tiers)

    @property
    def peak_day(self) -> int:
        return max([1, *(max(d.created, d.resolved) for d in self.days)])


def dashboard(scope: scopes.Scope, when: periods.Period, *, now: datetime) -> Dashboard:
    """Everything the supervisor dashboard shows, in a fixed number of queries: one pass over
    the scope's cases for the counts, two histograms of minutes, two per-day series, then
    escalations, ratings and names."""
    totals = _case_totals(scope, when, now)
    n = period_figures.everyone(totals)
    response_counts = period_figures.response_counts(scope, when)
    resolution_minutes = period_figures.everyone(
        period_figures.minute_counts(Case.resolution_minutes, counting.resolved_in(when), scope)
    )
    return Dashboard(
        scope=scope,
        period=when,
        created=n["created"],
        backlog=_buckets(n),
        days=series.daily(scope, when),
        first_response=period_figures.first_responses(scope, when, counts=response_counts),
        resolutions=measures.Resolutions(
            n["resolved"],
            n["reopened"],
            n["first_contact"],
            measures.Durations.of_counts(resolution_minutes),
        ),
        sla=measures.SLACompliance(
            measures.Compliance(n["fr_met"], n["fr_missed"]),
            measures.Compliance(n["res_met"], n["res_missed"]),
        ),
        tiers=period_figures.tier_rates(scope, when),
        csat=period_figures.csat(scope, when),
        agents=agent_table(scope, when, now=now, totals=totals, response_counts=response_counts),
    )
