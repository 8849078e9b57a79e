"""The KPI module against numbers worked out by hand on the week of tests/kpi_week.py."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from portal.domain.analytics import (
    dashboard_figures,
    measures,
    metrics,
    period_figures,
    periods,
    scopes,
    series,
)
from portal.domain.cases import metrics as case_metrics
from portal.extensions import db
from tests.kpi_week import NOW, WEEK


def test_case_facts_are_recorded_by_the_services(week):
    a, b, c, d, e, f, g = week["cases"]
    assert (a.first_response_minutes, a.resolution_minutes, a.agent_replies) == (120, 480, 1)
    assert (b.first_response_minutes, b.resolution_minutes) == (180, 690)
    assert (b.agent_replies, b.reopen_count) == (2, 1)
    assert (d.first_response_minutes, d.resolution_minutes) == (540, None)
    assert (e.first_response_minutes, e.resolution_minutes) == (10, 30)
    assert (f.first_response_minutes, f.resolution_minutes) == (30, 540)
    assert c.first_response_minutes is None and g.resolution_minutes is None


def test_backfill_replays_history_to_the_same_facts(week):
    recorded = [
        (c.first_response_minutes, c.resolution_minutes, c.agent_replies, c.reopen_count)
        for c in week["cases"]
    ]
    for case in week["cases"]:
        case.first_response_minutes = case.resolution_minutes = None
        case.agent_replies = case.reopen_count = 0
    db.session.commit()
    assert case_metrics.backfill() == 7
    assert [
        (c.first_response_minutes, c.resolution_minutes, c.agent_replies, c.reopen_count)
        for c in week["cases"]
    ] == recorded


def test_whole_team_figures_match_the_hand_calculation(week):
    board = dashboard_figures.dashboard(scopes.Scope(), WEEK, now=NOW)
    assert board.created == 5  # A, B, C, D, E (F and G came before the week)
    assert board.resolutions.count == 4  # A, B, E, F
    # First responses in the week: 10, 120, 180, 540 (F's came before).
    assert board.first_response == measures.Durations(4, 150.0, 432.0)  # p90: 180 + 0.7 * 360
    # Resolutions: 30, 480, 540, 690.
    assert board.resolutions.durations == measures.Durations(4, 510.0, 645.0)  # 540 + 0.7 * 150
    assert board.resolutions.reopen_rate == 25.0  # B
    assert board.resolutions.first_contact_rate == 75.0  # A, E, F; not B (two replies)
    # First response: A, B, E met; C (never) and D (late) missed.
    assert board.sla.first_response == measures.Compliance(met=3, missed=2)
    assert board.sla.first_response.percent == 60.0
    # Resolution: A, B, E, F met; G's due time passed on Tuesday.
    assert board.sla.resolution == measures.Compliance(met=4, missed=1)
    assert board.sla.resolution.percent == 80.0
    assert board.csat.csat_percent == 50.0


def test_escalation_and_bounce_back_rates_per_tier(week):
    tiers = {row.tier: row for row in period_figures.tier_rates(scopes.Scope(), WEEK)}
    # Tier 1 took on A, B, C, D and escalated D, which came back.
    assert tiers[1] == measures.TierRates(1, taken_on=4, escalated=1, returned=1)
    assert (tiers[1].escalation_rate, tiers[1].bounce_back_rate) == (25.0, 100.0)
    # Tier 2 took on E (opened there) and D (escalated in).
    assert tiers[2] == measures.TierRates(2, taken_on=2, escalated=0, returned=0)
    assert tiers[2].escalation_rate == 0.0 and tiers[2].bounce_back_rate is None
    assert measures.total_rates(list(tiers.values())).escalation_rate == 16.7  # 1 of 6


def test_backlog_by_age_counts_unresolved_cases_now(week):
    buckets = {
        (b.low_days, b.high_days): b.count
        for b in dashboard_figures.backlog(scopes.Scope(), now=NOW)
    }
    # D is 1 day 4 hours old, C 3 days 9 hours, G 9 days 9 hours.
    assert buckets == {(0, 1): 0, (1, 3): 1, (3, 7): 1, (7, 30): 1, (30, None): 0}


def test_created_and_resolved_per_local_day(week):
    days = {day.day.day: (day.created, day.resolved) for day in series.daily(scopes.Scope(), WEEK)}
    assert days == {2: (2, 1), 3: (1, 1), 4: (0, 0), 5: (1, 0), 6: (1, 2), 7: (0, 0), 8: (0, 0)}
    # In Tehran (+03:30) B's reopen-and-resolve at Fri 10:30 UTC is still Friday, but the
    # week starts at Sun 20:30 UTC, so F's Monday 11:00 resolution is Monday 14:30 there.
    tehran = periods.Period(date(2026, 11, 2), date(2026, 11, 8), ZoneInfo("Asia/Tehran"))
    local = {
        day.day.day: (day.created, day.resolved) for day in series.daily(scopes.Scope(), tehran)
    }
    assert local == days


def test_agent_scope_and_agent_table(week):
    expert = week["expert"]
    scope = scopes.Scope("agent", expert.id)
    assert metrics.value("resolved", scope, WEEK, now=NOW) == 1
    assert metrics.value("first_response_median", scope, WEEK, now=NOW) == 10
    rows = {
        row.user.name: row for row in dashboard_figures.agent_table(scopes.Scope(), WEEK, now=NOW)
    }
    assert rows["Agent Two"].resolved == 1 and rows["Agent Two"].response.median == 10
    one = rows["Agent One"]
    # Agent One resolved A, B and F; answered A (120), B (180) and D (540) in the week.
    assert (one.resolved, one.response.median) == (3, 180)
    assert one.csat.csat_percent == 50.0


def test_queue_and_tier_scopes(week):
    tier_two = scopes.Scope("tier", 2)
    assert metrics.value("created", tier_two, WEEK, now=NOW) == 1  # E
    assert metrics.value("resolution_median", tier_two, WEEK, now=NOW) == 30
    front = scopes.Scope("queue", week["front"].id)
    assert metrics.value("created", front, WEEK, now=NOW) == 4
    assert metrics.value("csat", front, WEEK, now=NOW) == 50.0


def test_every_metric_by_name_equals_the_dashboard(week):
    for scope in (scopes.Scope(), scopes.Scope("tier", 1), scopes.Scope("agent", week["agent"].id)):
        board = dashboard_figures.dashboard(scope, WEEK, now=NOW)
        for metric in metrics.METRICS:
            assert metrics.value(metric, scope, WEEK, now=NOW) == metrics.dashboard_value(
                board, metric
            )


def test_periods_are_whole_local_days():
    now = datetime(2026, 11, 25, 22, 0, tzinfo=UTC)  # already Thursday in Tehran
    tehran = ZoneInfo("Asia/Tehran")
    today = periods.period("today", now=now, tz=tehran)
    assert today.first == today.last == date(2026, 11, 26)
    assert today.start == datetime(2026, 11, 25, 20, 30, tzinfo=UTC)
    week = periods.period("7", now=now, tz=tehran)
    assert (week.first, week.last) == (date(2026, 11, 20), date(2026, 11, 26))
    with pytest.raises(periods.PeriodError):
        periods.period("custom", now=now, tz=tehran, first=date(2026, 2, 1), last=date(2026, 1, 1))
    with pytest.raises(periods.PeriodError):
        periods.period("custom", now=now, tz=tehran, first=date(2024, 1, 1), last=date(2026, 1, 1))
    with pytest.raises(periods.PeriodError):
        periods.period("year", now=now, tz=tehran)


def test_percentiles_interpolate_between_ranks():
    assert measures.percentile([], 0.5) is None
    assert measures.percentile([7], 0.9) == 7
    assert measures.percentile([4, 1, 3, 2], 0.5) == 2.5
    assert measures.percentile(list(range(1, 11)), 0.9) == pytest.approx(9.1)
