"""The figures goals and reports can name (`METRICS`): label, unit, which way is better, whether
it grows through a period, and how to compute it for a scope and period (`value`) or read it off a
computed dashboard. Separate from the figures themselves so that a goal or a report row names a
metric by key and always gets the dashboard's number for it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l

from portal.domain.analytics import dashboard_figures, measures, period_figures, periods, scopes


@dataclass(frozen=True)
class Metric:
    """A figure goals and reports can name. `cumulative` figures grow through a period (a
    count); the others are rates or times that hold whatever the period's length."""

    key: str
    label: object
    unit: str  # count | percent | minutes
    better: str  # higher | lower
    cumulative: bool
    compute: Callable[[scopes.Scope, periods.Period, datetime], float | None]


def _metric(key, label, unit, better, compute, cumulative=False) -> Metric:
    return Metric(key, label, unit, better, cumulative, compute)


METRICS: dict[str, Metric] = {
    m.key: m
    for m in (
        _metric("created", _l("Cases created"), "count", "lower",
                lambda s, p, now: period_figures.created_count(s, p), cumulative=True),
        _metric("resolved", _l("Cases resolved"), "count", "higher",
                lambda s, p, now: period_figures.resolutions(s, p).count, cumulative=True),
        _metric("first_response_median", _l("Median first response"), "minutes", "lower",
                lambda s, p, now: period_figures.first_responses(s, p).median),
        _metric("first_response_p90", _l("90th percentile first response"), "minutes", "lower",
                lambda s, p, now: period_figures.first_responses(s, p).p90),
        _metric("resolution_median", _l("Median resolution time"), "minutes", "lower",
                lambda s, p, now: period_figures.resolutions(s, p).durations.median),
        _metric("resolution_p90", _l("90th percentile resolution time"), "minutes", "lower",
                lambda s, p, now: period_figures.resolutions(s, p).durations.p90),
        _metric("first_response_sla", _l("First-response SLA met"), "percent", "higher",
                lambda s, p, now:
                    period_figures.sla_compliance(s, p, now=now).first_response.percent),
        _metric("resolution_sla", _l("Resolution SLA met"), "percent", "higher",
                lambda s, p, now: period_figures.sla_compliance(s, p, now=now).resolution.percent),
        _metric("reopen_rate", _l("Reopen rate"), "percent", "lower",
                lambda s, p, now: period_figures.resolutions(s, p).reopen_rate),
        _metric("first_contact_resolution", _l("First-contact resolution"), "percent", "higher",
                lambda s, p, now: period_figures.resolutions(s, p).first_contact_rate),
        _metric("escalation_rate", _l("Escalation rate"), "percent", "lower",
                lambda s, p, now:
                    measures.total_rates(period_figures.tier_rates(s, p)).escalation_rate),
        _metric("bounce_back_rate", _l("Bounce-back rate"), "percent", "lower",
                lambda s, p, now:
                    measures.total_rates(period_figures.tier_rates(s, p)).bounce_back_rate),
        _metric("csat", _l("CSAT"), "percent", "higher",
                lambda s, p, now: period_figures.csat(s, p).csat_percent),
    )
}  # fmt: skip


def value(metric: str, scope: scopes.Scope, when: periods.Period, *, now: datetime) -> float | None:
    """The figure `metric` for `scope` over `when`: the same number the dashboard shows."""
    return METRICS[metric].compute(scope, when, now)


def dashboard_value(board: dashboard_figures.Dashboard, metric: str) -> float | None:
    """Read `metric` off an already computed dashboard (no queries)."""
    readers = {
        "created": lambda b: b.created,
        "resolved": lambda b: b.resolutions.count,
        "first_response_median": lambda b: b.first_response.median,
        "first_response_p90": lambda b: b.first_response.p90,
        "resolution_median": lambda b: b.resolutions.durations.median,
        "resolution_p90": lambda b: b.resolutions.durations.p90,
        "first_response_sla": lambda b: b.sla.first_response.percent,
        "resolution_sla": lambda b: b.sla.resolution.percent,
        "reopen_rate": lambda b: b.resolutions.reopen_rate,
        "first_contact_resolution": lambda b: b.resolutions.first_contact_rate,
        "escalation_rate": lambda b: b.all_tiers.escalation_rate,
        "bounce_back_rate": lambda b: b.all_tiers.bounce_back_rate,
        "csat": lambda b: b.csat.csat_percent,
    }
    return readers[metric](board)
