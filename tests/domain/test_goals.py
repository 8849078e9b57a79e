"""Goals: progress, expected progress, forecast and status on hand-built data; actuals equal
the dashboard's figures; alerts fire once per crossing, however many sweeps run."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

import pytest

from portal.domain.analytics import (
    dashboard_figures,
    goal_alerts,
    goal_edits,
    goal_lists,
    goal_progress,
    metrics,
    periods,
)
from portal.kernel.labels import GOAL_STATUS_LABELS
from portal.models import (
    CaseStatus,
    Goal,
    GoalDirection,
    GoalOwnerKind,
    GoalStatus,
    Notification,
    NotificationKind,
    OutboxMessage,
    Role,
    User,
)
from tests import factories
from tests.reading import as_read

# A 30-day period, March 1-30; NOW is its exact middle (UTC is the test site's time zone).
FIRST, LAST = date(2026, 3, 1), date(2026, 3, 30)
NOW = datetime(2026, 3, 16, 0, 0, tzinfo=UTC)


def day(n: int, hour: int = 12) -> datetime:
    """March `n`, 2026, at `hour` UTC."""
    return datetime(2026, 3, n, hour, tzinfo=UTC)


def goal(metric="resolved", target=100.0, direction=GoalDirection.AT_LEAST, **overrides) -> Goal:
    """An unsaved team goal over March 1-30."""
    values = {
        "name": "A goal",
        "metric": metric,
        "owner_kind": GoalOwnerKind.TEAM,
        "period_start": FIRST,
        "period_end": LAST,
        "target": target,
        "direction": direction,
        "thresholds": "75,100",
        "alerted_thresholds": "",
        "behind_margin": 10,
        "behind_alerted": False,
    }
    return Goal(**{**values, **overrides})


def saved_goal(db, **overrides) -> Goal:
    made = goal(**overrides)
    db.session.add(made)
    db.session.commit()
    return made


def resolve_cases(count: int, *, at: datetime, assignee: User | None = None, queue=None):
    for _ in range(count):
        factories.make_case(
            queue=queue,
            status=CaseStatus.RESOLVED,
            assignee=assignee,
            created_at=at - timedelta(hours=1),
            resolved_at=at,
        )


# --- the arithmetic ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "actual,progress,forecast,status",
    [
        (45, 45.0, 90.0, GoalStatus.AT_RISK),  # less than expected (50), within the margin
        (38, 38.0, 76.0, GoalStatus.BEHIND),  # more than 10 points below expected
        (55, 55.0, 110.0, GoalStatus.ON_TRACK),
        (100, 100.0, 200.0, GoalStatus.ACHIEVED),  # a count that reached its target early
        (130, 130.0, 260.0, GoalStatus.ACHIEVED),
    ],
)
def test_a_count_is_expected_to_grow_with_time(app, actual, progress, forecast, status):
    measured = goal_progress.measure(goal(), actual, now=NOW)
    assert measured.progress_percent == progress
    assert measured.expected_percent == 50.0
    assert measured.forecast == forecast
    assert measured.status == status
    assert measured.status_label is GOAL_STATUS_LABELS[status]


def test_a_count_at_the_very_start_has_no_forecast(app):
    measured = goal_progress.measure(goal(), 0, now=datetime(2026, 3, 1, tzinfo=UTC))
    assert (measured.expected_percent, measured.forecast) == (0.0, None)
    assert measured.status == GoalStatus.ON_TRACK


@pytest.mark.parametrize(
    "actual,progress,status",
    [
        (72.0, 102.9, GoalStatus.ON_TRACK),
        (65.0, 92.9, GoalStatus.AT_RISK),
        (60.0, 85.7, GoalStatus.BEHIND),
        (None, None, GoalStatus.AT_RISK),  # nothing measured yet: on track cannot be claimed
    ],
)
def test_a_rate_is_expected_at_its_target_all_along(app, actual, progress, status):
    measured = goal_progress.measure(goal("first_contact_resolution", 70.0), actual, now=NOW)
    assert measured.progress_percent == progress
    assert measured.expected_percent == 100.0
    assert measured.forecast == actual
    assert measured.status == status


@pytest.mark.parametrize(
    "actual,progress,status",
    [
        (50.0, 100.0, GoalStatus.ON_TRACK),
        (60.0, 100.0, GoalStatus.ON_TRACK),
        (64.0, 93.8, GoalStatus.AT_RISK),
        (70.0, 85.7, GoalStatus.BEHIND),
    ],
)
def test_an_at_most_goal_is_full_while_within_its_limit(app, actual, progress, status):
    ceiling = goal("first_response_median", 60.0, GoalDirection.AT_MOST)
    measured = goal_progress.measure(ceiling, actual, now=NOW)
    assert (measured.progress_percent, measured.expected_percent) == (progress, 100.0)
    assert measured.status == status


def test_an_at_most_count_on_course_to_overshoot_is_at_risk(app):
    ceiling = goal("created", 100.0, GoalDirection.AT_MOST)
    measured = goal_progress.measure(ceiling, 60, now=NOW)
    assert (measured.progress_percent, measured.forecast) == (100.0, 120.0)
    assert measured.status == GoalStatus.AT_RISK


def test_zero_targets(app):
    assert goal_progress.progress_percent(0, 0, GoalDirection.AT_LEAST) == 100.0
    assert goal_progress.progress_percent(0, 0, GoalDirection.AT_MOST) == 100.0
    assert goal_progress.progress_percent(3, 0, GoalDirection.AT_MOST) == 0.0


def test_status_before_and_after_the_period(app):
    before = datetime(2026, 2, 28, 23, 0, tzinfo=UTC)
    after = datetime(2026, 3, 31, 0, 0, tzinfo=UTC)
    assert goal_progress.measure(goal(), None, now=before).status == GoalStatus.NOT_STARTED
    assert goal_progress.measure(goal(), 100, now=after).status == GoalStatus.ACHIEVED
    assert goal_progress.measure(goal(), 99, now=after).status == GoalStatus.MISSED
    assert goal_progress.measure(goal(), None, now=after).status == GoalStatus.MISSED
    rate = goal("first_contact_resolution", 70.0)
    assert goal_progress.measure(rate, 70.0, now=after).status == GoalStatus.ACHIEVED
    ceiling = goal("first_response_median", 60.0, GoalDirection.AT_MOST)
    assert goal_progress.measure(ceiling, 61.0, now=after).status == GoalStatus.MISSED


# --- actuals ----------------------------------------------------------------------------------


@pytest.fixture
def team(db):
    """Two tier-1 queues and a tier-2 queue, an agent in each tier-1 queue, a supervisor."""
    front = factories.make_queue(1, name="Front line")
    billing = factories.make_queue(1, name="Billing")
    specialists = factories.make_queue(2, name="Specialists")
    ana = factories.make_user(Role.AGENT, name="Ana Agent")
    ben = factories.make_user(Role.AGENT, name="Ben Agent")
    boss = factories.make_user(Role.SUPERVISOR, name="Bo Boss")
    ana.queues.append(front)
    ben.queues.append(billing)
    db.session.commit()
    return {
        "front": front,
        "billing": billing,
        "specialists": specialists,
        "ana": ana,
        "ben": ben,
        "boss": boss,
    }


def test_actual_equals_the_dashboard_figure(team, db):
    resolve_cases(3, at=day(3), assignee=team["ana"], queue=team["front"])
    resolve_cases(2, at=day(10), assignee=team["ben"], queue=team["billing"])
    resolve_cases(1, at=day(10), queue=team["specialists"])
    resolve_cases(4, at=datetime(2026, 2, 27, tzinfo=UTC), assignee=team["ana"])  # before
    factories.make_case(queue=team["front"], assignee=team["ana"], created_at=day(5))
    owners = [
        {"owner_kind": GoalOwnerKind.AGENT, "owner_user_id": team["ana"].id},
        {"owner_kind": GoalOwnerKind.QUEUE, "owner_queue_id": team["billing"].id},
        {"owner_kind": GoalOwnerKind.TIER, "owner_tier": 1},
        {"owner_kind": GoalOwnerKind.TEAM},
    ]
    made = [
        saved_goal(db, metric=metric, **owner) for metric in metrics.METRICS for owner in owners
    ]
    measured = goal_lists.evaluate(made, now=NOW)
    for progress in measured:
        period = periods.Period(FIRST, LAST, goal_progress.site_timezone())
        board = dashboard_figures.dashboard(
            goal_progress.owner_scope(progress.goal), period, now=NOW
        )
        assert progress.actual == metrics.dashboard_value(board, progress.goal.metric), (
            progress.goal
        )
    resolved = {str(p.goal.owner_kind): p.actual for p in measured if p.goal.metric == "resolved"}
    assert resolved == {"agent": 3, "queue": 2, "tier": 5, "team": 6}


def test_the_period_is_counted_in_the_site_time_zone(app, team, db):
    app.config["BABEL_DEFAULT_TIMEZONE"] = "Asia/Tehran"
    # 21:00 UTC on March 1 is 00:30 on March 2 in Tehran.
    resolve_cases(1, at=datetime(2026, 3, 1, 21, 0, tzinfo=UTC))
    march_first = saved_goal(db, period_start=FIRST, period_end=FIRST, name="First")
    march_second = saved_goal(db, period_start=date(2026, 3, 2), period_end=date(2026, 3, 2))
    first, second = goal_lists.evaluate([march_first, march_second], now=NOW)
    assert (first.actual, second.actual) == (0, 1)


def test_active_goals_are_those_whose_period_contains_today(team, db):
    current = saved_goal(db, name="Current")
    saved_goal(db, name="Past", period_start=date(2026, 2, 1), period_end=date(2026, 2, 28))
    saved_goal(db, name="Upcoming", period_start=date(2026, 4, 1), period_end=date(2026, 4, 30))
    assert [p.goal for p in goal_lists.active_goals(NOW)] == [current]


def test_a_user_sees_own_queue_tier_and_team_goals(team, db):
    saved_goal(db, name="Ana's", owner_kind=GoalOwnerKind.AGENT, owner_user_id=team["ana"].id)
    saved_goal(db, name="Ben's", owner_kind=GoalOwnerKind.AGENT, owner_user_id=team["ben"].id)
    saved_goal(db, name="Front", owner_kind=GoalOwnerKind.QUEUE, owner_queue_id=team["front"].id)
    saved_goal(
        db, name="Billing", owner_kind=GoalOwnerKind.QUEUE, owner_queue_id=team["billing"].id
    )
    saved_goal(db, name="Tier 1", owner_kind=GoalOwnerKind.TIER, owner_tier=1)
    saved_goal(db, name="Tier 2", owner_kind=GoalOwnerKind.TIER, owner_tier=2)
    saved_goal(db, name="Team")
    names = sorted(p.goal.name for p in goal_lists.goals_for_user(team["ana"], NOW))
    assert names == ["Ana's", "Front", "Team", "Tier 1"]
    customer = factories.make_user(Role.CUSTOMER)
    assert goal_lists.goals_for_user(customer, NOW) == []


# --- alerts -----------------------------------------------------------------------------------


def alerts(db) -> list[tuple[str, str]]:
    """(recipient name, kind) of every notification so far."""
    rows = db.session.scalars(db.select(Notification).order_by(Notification.id)).all()
    return sorted((db.session.get(User, row.user_id).name, row.kind) for row in rows)


def emails(db) -> list[dict]:
    messages = db.session.scalars(
        db.select(OutboxMessage).where(OutboxMessage.kind == "email").order_by(OutboxMessage.id)
    )
    return [message.payload for message in messages]


def sweep(db, at: datetime) -> int:
    sent = goal_alerts.sweep(now=at)
    db.session.commit()
    return sent


@pytest.fixture
def ana_goal(team, db):
    """Ana should resolve at least 10 cases in March; Bo set the goal."""
    return saved_goal(
        db,
        name="Ana resolves ten",
        target=10.0,
        owner_kind=GoalOwnerKind.AGENT,
        owner_user_id=team["ana"].id,
        created_by_id=team["boss"].id,
    )


def test_thresholds_alert_once_each_as_progress_crosses_them(team, ana_goal, db):
    resolve_cases(2, at=day(1), assignee=team["ana"])
    assert sweep(db, day(2)) == 0  # 20%, expected 3.3%: nothing to say
    resolve_cases(6, at=day(3), assignee=team["ana"])
    assert sweep(db, day(4)) == 1  # 80%: the 75% milestone
    assert sweep(db, day(4, 13)) == 0
    assert alerts(db) == [
        ("Ana Agent", NotificationKind.GOAL_THRESHOLD),
        ("Bo Boss", NotificationKind.GOAL_THRESHOLD),
    ]
    assert ana_goal.alerted_thresholds == "75"
    resolve_cases(2, at=day(5), assignee=team["ana"])
    assert sweep(db, day(6)) == 1  # 100%
    assert sweep(db, day(7)) == 0
    assert len(alerts(db)) == 4
    assert ana_goal.alerted_thresholds == "75,100"
    mails = emails(db)
    assert sorted(m["to"] for m in mails) == sorted([team["ana"].email, team["boss"].email] * 2)
    to_ana = [m for m in mails if m["to"] == team["ana"].email][-1]
    assert "Goal milestone reached: Ana resolves ten (100%)" in as_read(to_ana["subject"])
    assert "Progress has reached 100%." in to_ana["text"]
    assert "http://casework.test/" in to_ana["text"]  # agents are sent to their home page
    to_boss = [m for m in mails if m["to"] == team["boss"].email][-1]
    assert f"http://casework.test/supervisor/goals/{ana_goal.id}" in to_boss["text"]


def test_jumping_past_several_thresholds_is_one_alert(team, ana_goal, db):
    resolve_cases(12, at=day(1), assignee=team["ana"])
    assert sweep(db, day(2)) == 1
    assert ana_goal.alerted_thresholds == "75,100"
    assert "(120%)" in emails(db)[0]["subject"]


def test_falling_behind_alerts_once_and_again_after_catching_up(team, ana_goal, db):
    assert sweep(db, day(6)) == 1  # 0 of 10 after 5 of 30 days: 0% against 16.7% expected
    assert sweep(db, day(7)) == 0
    assert ana_goal.behind_alerted
    resolve_cases(5, at=day(8), assignee=team["ana"])
    assert sweep(db, day(9)) == 0  # 50% against 26.7%: caught up, re-armed
    assert not ana_goal.behind_alerted
    assert sweep(db, day(25)) == 1  # 50% against 80%: behind again
    assert sweep(db, day(26)) == 0
    kinds = [kind for _, kind in alerts(db)]
    assert kinds.count(NotificationKind.GOAL_BEHIND) == 4  # Ana and Bo, twice


def test_at_most_goals_alert_only_when_behind(team, db):
    ceiling = saved_goal(
        db,
        metric="created",
        target=2.0,
        direction=GoalDirection.AT_MOST,
        owner_kind=GoalOwnerKind.QUEUE,
        owner_queue_id=team["front"].id,
        created_by_id=team["boss"].id,
    )
    assert sweep(db, day(2)) == 0  # 100% from the start: no milestone alerts
    for _ in range(3):
        factories.make_case(queue=team["front"], created_at=day(3))
    assert sweep(db, day(4)) == 1  # 3 cases created, limit 2: 66.7%, behind
    assert ceiling.behind_alerted and ceiling.alerted_thresholds == ""
    # The Front line queue has no supervisor of its own: every supervisor, and the creator.
    assert alerts(db) == [("Bo Boss", NotificationKind.GOAL_BEHIND)]


def test_goals_outside_their_period_are_not_swept(team, db):
    saved_goal(db, period_start=date(2026, 2, 1), period_end=date(2026, 2, 28), target=1.0)
    resolve_cases(1, at=day(1))
    assert sweep(db, NOW) == 0


def test_changing_what_is_measured_re_arms_alerts(team, ana_goal, db):
    resolve_cases(8, at=day(1), assignee=team["ana"])
    assert sweep(db, day(2)) == 1
    values = {
        field: getattr(ana_goal, field)
        for field in (*goal_edits.MEASURED_FIELDS, "name", "behind_margin")
    }
    goal_edits.update_goal(ana_goal, by=team["boss"], **{**values, "name": "Renamed"})
    db.session.commit()
    assert ana_goal.alerted_thresholds == "75"  # a new name is not a new measurement
    goal_edits.update_goal(ana_goal, by=team["boss"], **{**values, "target": 9.0})
    db.session.commit()
    assert ana_goal.alerted_thresholds == ""
    assert sweep(db, day(3)) == 1  # 8 of 9 is 88.9%: the 75% milestone again


def test_sweep_command_reports_goal_alerts(app, team, db):
    today = datetime.now(UTC).date()
    saved_goal(
        db,
        target=1.0,
        period_start=today - timedelta(days=3),
        period_end=today + timedelta(days=3),
        created_by_id=team["boss"].id,
    )
    resolve_cases(1, at=datetime.now(UTC) - timedelta(minutes=5))
    db.session.commit()
    runner = app.test_cli_runner()
    first = runner.invoke(args=["sla", "sweep"])
    second = runner.invoke(args=["sla", "sweep"])
    assert "Sent 1 goal alert(s)." in first.output, first.output
    assert "Sent 0 goal alert(s)." in second.output, second.output


@pytest.mark.parametrize("run", range(3))
def test_two_sweeps_at_once_alert_exactly_once(app, team, ana_goal, db, run):
    resolve_cases(8, at=day(1), assignee=team["ana"])
    db.session.commit()
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run_sweep():
        with app.app_context():
            from portal.extensions import db as database

            try:
                barrier.wait()
                results.append(goal_alerts.sweep(now=day(2)))
                database.session.commit()
            except Exception as exc:  # noqa: BLE001 - reported below
                database.session.rollback()
                errors.append(exc)

    threads = [threading.Thread(target=run_sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert sum(results) == 1
    db.session.expire_all()
    assert len(alerts(db)) == 2
    assert db.session.get(Goal, ana_goal.id).alerted_thresholds == "75"


def test_thresholds_are_read_as_typed_on_a_persian_or_arabic_keyboard():
    assert goal_progress.parse_thresholds("۵۰، ۷۵،100") == [50, 75, 100]
    assert goal_progress.parse_thresholds("٧٥ ,100, 75") == [75, 100]
    assert goal_progress.parse_thresholds("") == []
    with pytest.raises(ValueError):
        goal_progress.parse_thresholds("75; 100")
