"""The SLA engine: business time, due times, pauses, priority changes, clock states, breaches."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from freezegun import freeze_time

from portal.domain import sla
from portal.domain.sla import breaches as breach_records
from portal.domain.sla import clocks
from portal.models import Case, CaseStatus, Priority, SLABreach
from tests.factories import make_account, make_calendar, make_case, make_contact, make_policy

# A week in June 2025, Mon-Fri 09:00-17:00 UTC unless a test says otherwise.
MONDAY = date(2025, 6, 2)
LONDON = ZoneInfo("Europe/London")
TEHRAN = ZoneInfo("Asia/Tehran")


def at(day: date, hour: int, minute: int = 0, *, days: int = 0, zone=UTC) -> datetime:
    """A UTC moment: `hour:minute` local time in `zone` on `day` plus `days`."""
    local = datetime.combine(day + timedelta(days=days), time(hour, minute), tzinfo=zone)
    return local.astimezone(UTC)


def monday(hour, minute=0):
    return at(MONDAY, hour, minute)


def tuesday(hour, minute=0):
    return at(MONDAY, hour, minute, days=1)


def wednesday(hour, minute=0):
    return at(MONDAY, hour, minute, days=2)


def friday(hour, minute=0):
    return at(MONDAY, hour, minute, days=4)


def next_monday(hour, minute=0):
    return at(MONDAY, hour, minute, days=7)


def on(days: int, hour: int, minute: int = 0) -> datetime:
    """UTC `hour:minute` on the day `days` after Monday 2 June 2025."""
    return at(MONDAY, hour, minute, days=days)


def breaches(db) -> list[tuple[int, str, datetime, int]]:
    rows = db.session.scalars(db.select(SLABreach).order_by(SLABreach.id))
    return [(row.case_id, row.metric, row.due_at, row.overdue_minutes) for row in rows]


# --- Business-time arithmetic ----------------------------------------------------------------


def test_clock_runs_within_a_working_day(app):
    assert sla.add_business_minutes(make_calendar(), monday(10), 90) == monday(11, 30)


def test_target_running_out_at_closing_time_is_due_at_closing_time(app):
    assert sla.add_business_minutes(make_calendar(), monday(9), 480) == monday(17)


def test_clock_skips_the_night(app):
    assert sla.add_business_minutes(make_calendar(), monday(16), 120) == tuesday(10)


def test_clock_skips_the_weekend(app):
    assert sla.add_business_minutes(make_calendar(), friday(16), 120) == next_monday(10)


def test_clock_skips_holidays(app):
    calendar = make_calendar(holidays=[MONDAY + timedelta(days=7)])
    assert sla.add_business_minutes(calendar, friday(16), 120) == on(8, 10)


@pytest.mark.parametrize(
    ("start", "minutes", "expected"),
    [
        (on(5, 12), 60, next_monday(10)),
        (tuesday(7), 30, tuesday(9, 30)),
        (tuesday(20), 30, wednesday(9, 30)),
        (monday(17), 30, tuesday(9, 30)),
    ],
    ids=["saturday-noon", "before-opening", "after-closing", "at-closing-time"],
)
def test_clock_started_outside_hours_counts_from_the_next_opening(app, start, minutes, expected):
    assert sla.add_business_minutes(make_calendar(), start, minutes) == expected


def test_zero_minutes_is_the_start_itself(app):
    assert sla.add_business_minutes(make_calendar(), at(MONDAY, 3), 0) == at(MONDAY, 3)


def test_tehran_calendar_works_saturday_to_wednesday(app):
    calendar = make_calendar(
        timezone="Asia/Tehran", weekdays="67123", opens_at=time(8), closes_at=time(17)
    )
    wednesday_4pm = at(date(2025, 5, 7), 16, zone=TEHRAN)
    saturday_9am = at(date(2025, 5, 10), 9, zone=TEHRAN)
    assert sla.add_business_minutes(calendar, wednesday_4pm, 120) == saturday_9am
    assert saturday_9am == datetime(2025, 5, 10, 5, 30, tzinfo=UTC)
    thursday = at(date(2025, 5, 8), 10, zone=TEHRAN)
    assert sla.business_minutes_between(calendar, thursday, saturday_9am) == 60


def test_clock_follows_the_daylight_saving_change(app):
    calendar = make_calendar(timezone="Europe/London")
    friday_4pm_gmt = at(date(2025, 3, 28), 16, zone=LONDON)
    monday_10am_bst = at(date(2025, 3, 31), 10, zone=LONDON)
    assert friday_4pm_gmt == datetime(2025, 3, 28, 16, tzinfo=UTC)
    assert monday_10am_bst == datetime(2025, 3, 31, 9, tzinfo=UTC)
    assert sla.add_business_minutes(calendar, friday_4pm_gmt, 120) == monday_10am_bst
    assert sla.business_minutes_between(calendar, friday_4pm_gmt, monday_10am_bst) == 120


@pytest.mark.parametrize(
    ("day", "minutes"), [(date(2025, 3, 30), 23 * 60), (date(2025, 10, 26), 25 * 60)]
)
def test_round_the_clock_calendar_counts_the_real_length_of_a_dst_day(app, day, minutes):
    calendar = make_calendar(
        timezone="Europe/London", weekdays="1234567", opens_at=time(0), closes_at=time(0)
    )
    midnight, next_midnight = at(day, 0, zone=LONDON), at(day, 0, days=1, zone=LONDON)
    assert sla.business_minutes_between(calendar, midnight, next_midnight) == minutes
    assert sla.add_business_minutes(calendar, midnight, minutes) == next_midnight


@pytest.mark.parametrize("minutes", [1, 59, 479, 480, 481, 2400, 7200, 100_000])
def test_business_minutes_between_undoes_add_business_minutes(app, minutes):
    calendar = make_calendar(timezone="Europe/London", holidays=[date(2025, 12, 25)])
    start = monday(13, 17)
    due = sla.add_business_minutes(calendar, start, minutes)
    assert sla.business_minutes_between(calendar, start, due) == minutes


def test_million_minute_target_jumps_whole_days(app):
    # 1,000,000 minutes = 2083 eight-hour days (416 weeks and 3 days) and 160 minutes.
    due = sla.add_business_minutes(make_calendar(), monday(9), 1_000_000)
    assert due == monday(11, 40) + timedelta(weeks=416, days=3)


def test_business_minutes_between_is_zero_when_end_is_not_after_start(app):
    calendar = make_calendar()
    assert sla.business_minutes_between(calendar, monday(12), monday(12)) == 0
    assert sla.business_minutes_between(calendar, monday(12), monday(10)) == 0
    assert sla.business_minutes_between(calendar, friday(17), next_monday(9)) == 0


def test_naive_datetimes_are_refused(app):
    with pytest.raises(ValueError):
        sla.add_business_minutes(make_calendar(), datetime(2025, 6, 2, 10), 10)


def test_calendar_without_working_days_is_refused(app):
    with pytest.raises(ValueError):
        sla.add_business_minutes(make_calendar(weekdays=""), monday(10), 10)


# --- Policies and due times ------------------------------------------------------------------


def test_policy_follows_the_account_entitlement_and_case_priority(app, count_queries):
    calendar = make_calendar()
    make_policy(calendar, entitlement="standard", priority=Priority.HIGH)
    premium_high = make_policy(calendar, entitlement="premium", priority=Priority.HIGH)
    make_policy(calendar, entitlement="premium", priority=Priority.NORMAL)
    case = make_case(make_contact(make_account(entitlement="premium")), priority=Priority.HIGH)
    with count_queries() as statements:
        assert sla.policy_for(case) is premium_high
    assert len(statements) == 1


def test_policy_lookup_is_one_query_when_the_account_is_not_loaded(db, count_queries):
    policy_id = make_policy(entitlement="premium").id
    case_id = make_case(make_contact(make_account(entitlement="premium"))).id
    db.session.commit()
    db.session.expunge_all()
    case = db.session.get(Case, case_id)
    with count_queries() as statements:
        assert sla.policy_for(case).id == policy_id
    assert len(statements) == 1


def test_case_without_account_uses_the_standard_policy(app):
    standard = make_policy(entitlement="standard")
    make_policy(entitlement="premium")
    case = make_case(make_contact(None))
    assert case.account is None
    assert sla.policy_for(case) is standard


def test_start_clock_sets_due_times_in_business_minutes_from_creation(app):
    make_policy(first_response_minutes=480, resolution_minutes=2400)
    with freeze_time(monday(16)):
        case = make_case()
        sla.start_clock(case)
    assert case.created_at == monday(16)
    assert case.first_response_due_at == tuesday(16)
    assert case.resolution_due_at == next_monday(16)


def test_case_without_a_policy_gets_no_due_times(app):
    make_policy(entitlement="premium")
    case = make_case(first_response_due_at=monday(10), created_at=monday(9))
    assert sla.start_clock(case) is None
    assert case.first_response_due_at is None
    assert case.resolution_due_at is None


# --- Pauses ----------------------------------------------------------------------------------


@pytest.fixture
def policy(app):
    """Standard / normal: first response in 480, resolution in 2400 business minutes."""
    return make_policy(first_response_minutes=480, resolution_minutes=2400)


def new_case(created_at: datetime, **overrides):
    case = make_case(created_at=created_at, **overrides)
    sla.start_clock(case)
    return case


def test_pending_for_three_business_hours_pushes_due_times_by_three_business_hours(policy):
    case = new_case(monday(9))
    assert (case.first_response_due_at, case.resolution_due_at) == (monday(17), friday(17))
    sla.on_status_change(case, CaseStatus.OPEN, CaseStatus.PENDING, now=monday(10))
    assert case.sla_paused_at == monday(10)
    sla.on_status_change(case, CaseStatus.PENDING, CaseStatus.OPEN, now=monday(13))
    assert case.sla_paused_at is None
    assert case.sla_paused_minutes == 180
    assert case.first_response_due_at == tuesday(12)
    assert case.resolution_due_at == next_monday(12)


def test_pending_over_a_weekend_adds_nothing_for_the_weekend(policy):
    case = new_case(wednesday(9))
    sla.record_first_response(case, at=wednesday(10))
    assert case.resolution_due_at == on(8, 17)  # Tuesday next week
    clocks.pause(case, now=friday(16))
    assert clocks.resume(case, now=next_monday(10)) == 120  # Friday 16-17 and Monday 9-10
    assert case.resolution_due_at == on(9, 11)  # Wednesday next week
    clocks.pause(case, now=on(11, 17, 30))  # Friday evening to Monday morning
    assert clocks.resume(case, now=on(14, 8, 30)) == 0
    assert case.sla_paused_minutes == 120
    assert case.resolution_due_at == on(9, 11)


def test_met_first_response_target_is_not_moved_by_a_pause(policy):
    case = new_case(monday(9))
    sla.record_first_response(case, at=monday(9, 30))
    clocks.pause(case, now=monday(10))
    clocks.resume(case, now=monday(12))
    assert case.first_response_due_at == monday(17)
    assert case.resolution_due_at == next_monday(11)


def test_pause_after_a_missed_due_time_does_not_undo_the_breach(policy):
    case = new_case(monday(9))
    clocks.pause(case, now=tuesday(10))
    clocks.resume(case, now=tuesday(12))
    assert case.sla_paused_minutes == 120
    assert case.first_response_due_at == monday(17)
    assert sla.clock_state(case, now=tuesday(12), which="first_response") == "breached"
    assert case.resolution_due_at == next_monday(11)


def test_pausing_twice_and_resuming_without_a_pause_are_harmless(policy):
    case = new_case(monday(9))
    assert clocks.resume(case, now=monday(10)) == 0
    clocks.pause(case, now=monday(10))
    clocks.pause(case, now=monday(11))
    assert case.sla_paused_at == monday(10)
    assert clocks.resume(case, now=monday(12)) == 120
    assert clocks.resume(case, now=monday(14)) == 0
    assert case.sla_paused_minutes == 120
    assert case.first_response_due_at == tuesday(11)


def test_status_changes_other_than_pending_leave_the_clock_alone(policy):
    case = new_case(monday(9))
    due_times = (case.first_response_due_at, case.resolution_due_at)
    sla.on_status_change(case, None, CaseStatus.NEW, now=monday(9))
    sla.on_status_change(case, "new", "open", now=monday(10))
    sla.on_status_change(case, CaseStatus.OPEN, CaseStatus.RESOLVED, now=monday(11))
    assert case.sla_paused_at is None
    assert case.sla_paused_minutes == 0
    assert (case.first_response_due_at, case.resolution_due_at) == due_times


def test_leaving_pending_for_resolved_excludes_the_pause(policy):
    case = new_case(monday(9))
    sla.on_status_change(case, CaseStatus.OPEN, CaseStatus.PENDING, now=monday(10))
    sla.on_status_change(case, CaseStatus.PENDING, CaseStatus.RESOLVED, now=tuesday(10))
    assert case.sla_paused_minutes == 480
    assert case.resolution_due_at == next_monday(17)


# --- Priority changes ------------------------------------------------------------------------


def test_raising_priority_to_urgent_shortens_the_due_times(policy):
    make_policy(
        policy.calendar, priority=Priority.URGENT, first_response_minutes=60, resolution_minutes=480
    )
    case = new_case(monday(9))
    clocks.pause(case, now=monday(9, 15))
    clocks.resume(case, now=monday(9, 45))
    case.priority = Priority.URGENT
    sla.on_priority_change(case, now=monday(10))
    # As if urgent from the start: 60 and 480 minutes, plus the 30 minutes paused.
    assert case.first_response_due_at == monday(10, 30)
    assert case.resolution_due_at == tuesday(9, 30)


def test_priority_change_keeps_the_due_time_of_a_met_first_response(policy):
    make_policy(
        policy.calendar, priority=Priority.LOW, first_response_minutes=960, resolution_minutes=4800
    )
    case = new_case(monday(9))
    sla.record_first_response(case, at=tuesday(9))
    case.priority = Priority.LOW
    sla.on_priority_change(case, now=tuesday(10))
    assert case.first_response_due_at == monday(17)
    assert sla.clock_state(case, now=tuesday(10), which="first_response") == "breached"
    assert case.resolution_due_at == on(11, 17)  # ten business days: Friday next week


def test_priority_without_a_policy_clears_the_due_times(policy):
    case = new_case(monday(9))
    case.priority = Priority.HIGH
    sla.on_priority_change(case, now=monday(10))
    assert case.first_response_due_at is None
    assert case.resolution_due_at is None


# --- First response and clock states ---------------------------------------------------------


def test_only_the_first_public_reply_counts_as_first_response(policy):
    case = new_case(monday(9))
    assert sla.record_first_response(case, at=monday(11)) is True
    assert sla.record_first_response(case, at=monday(12)) is False
    assert case.first_responded_at == monday(11)
    assert sla.clock_state(case, now=tuesday(9), which="first_response") == "met"


@pytest.fixture
def hundred_minute_case(app):
    """A case created Monday 09:00 with a 100-minute first response target."""
    make_policy(first_response_minutes=100, resolution_minutes=1000, warning_percent=80)
    return new_case(monday(9))


@pytest.mark.parametrize(
    ("elapsed", "state"),
    [(0, "ok"), (79, "ok"), (80, "warning"), (100, "warning"), (101, "breached")],
)
def test_first_response_clock_state_by_elapsed_share(hundred_minute_case, elapsed, state):
    now = monday(9) + timedelta(minutes=elapsed)
    assert sla.clock_state(hundred_minute_case, now=now, which="first_response") == state


def test_warning_share_leaves_paused_time_out(hundred_minute_case):
    case = hundred_minute_case
    clocks.pause(case, now=monday(9, 30))
    clocks.resume(case, now=monday(10))
    assert case.first_response_due_at == monday(11, 10)
    assert sla.clock_state(case, now=monday(10, 49), which="first_response") == "ok"
    assert sla.clock_state(case, now=monday(10, 50), which="first_response") == "warning"
    assert sla.remaining_minutes(case, now=monday(10, 50), which="first_response") == 20


def test_warning_counts_business_time_only(hundred_minute_case):
    case = hundred_minute_case
    assert case.resolution_due_at == wednesday(9, 40)  # 1000 minutes: 480 + 480 + 40
    # 790 business minutes by Tuesday 14:10 (79%), 800 by 14:20 (80%), nights excluded.
    assert sla.clock_state(case, now=tuesday(14, 10)) == "ok"
    assert sla.clock_state(case, now=tuesday(14, 20)) == "warning"


def test_pending_case_clock_is_paused(hundred_minute_case):
    case = hundred_minute_case
    case.status = CaseStatus.PENDING
    clocks.pause(case, now=monday(10))
    assert sla.clock_state(case, now=tuesday(10), which="first_response") == "paused"
    assert sla.remaining_minutes(case, now=tuesday(10), which="first_response") == 40


def test_overdue_clock_is_breached_with_negative_remaining_minutes(hundred_minute_case):
    case = hundred_minute_case
    assert sla.clock_state(case, now=monday(11), which="first_response") == "breached"
    assert sla.remaining_minutes(case, now=tuesday(9, 20), which="first_response") == -400


def test_resolution_clock_is_met_when_resolved_in_time_and_breached_when_late(
    hundred_minute_case,
):
    case = hundred_minute_case
    case.status, case.resolved_at = CaseStatus.RESOLVED, tuesday(11)
    assert sla.clock_state(case, now=wednesday(9)) == "met"
    assert sla.remaining_minutes(case, now=wednesday(9)) is None
    case.resolved_at = wednesday(10)
    assert sla.clock_state(case, now=wednesday(11)) == "breached"
    case.status = CaseStatus.OPEN  # reopened: the old resolution no longer counts
    assert sla.clock_state(case, now=wednesday(9)) == "warning"


def test_clock_without_a_due_time_is_none(app):
    case = make_case()
    assert sla.clock_state(case, now=monday(9)) == "none"
    assert sla.clock_state(case, now=monday(9), which="first_response") == "none"
    assert sla.remaining_minutes(case, now=monday(9)) is None


# --- Breaches --------------------------------------------------------------------------------


def test_missed_targets_are_recorded_once(db, policy):
    case = new_case(monday(9))
    recorded = sla.record_breaches(now=tuesday(10))
    assert [(b.case_id, b.metric, b.breached_at) for b in recorded] == [
        (case.id, "first_response", tuesday(10))
    ]
    assert sla.record_breaches(now=tuesday(11)) == []
    db.session.commit()
    assert sla.record_breaches(now=wednesday(9)) == []
    assert breaches(db) == [(case.id, "first_response", monday(17), 60)]


def test_late_first_response_is_recorded_with_its_lateness(db, policy):
    late = new_case(monday(9))
    sla.record_first_response(late, at=tuesday(9, 45))
    in_time = new_case(monday(9))
    sla.record_first_response(in_time, at=monday(16))
    late.status = in_time.status = CaseStatus.RESOLVED
    late.resolved_at = in_time.resolved_at = tuesday(10)
    sla.record_breaches(now=tuesday(10))
    assert breaches(db) == [(late.id, "first_response", monday(17), 45)]


def test_late_resolution_is_recorded_with_its_lateness(db, policy):
    case = new_case(monday(9))
    sla.record_first_response(case, at=monday(10))
    case.status, case.resolved_at = CaseStatus.RESOLVED, next_monday(11)
    sla.record_breaches(now=next_monday(12))
    assert breaches(db) == [(case.id, "resolution", friday(17), 120)]


def test_unanswered_resolved_or_closed_cases_are_not_recorded(db, policy):
    for status in CaseStatus.DONE:
        case = new_case(monday(9), status=status)
        case.resolved_at = monday(12)
    assert sla.record_breaches(now=tuesday(10)) == []


def test_case_paused_before_its_due_time_is_not_breached_while_pending(db, policy):
    waiting = new_case(monday(9))
    clocks.pause(waiting, now=monday(16))
    paused_too_late = new_case(monday(9))
    clocks.pause(paused_too_late, now=tuesday(9, 30))
    sla.record_breaches(now=wednesday(10))
    assert breaches(db) == [(paused_too_late.id, "first_response", monday(17), 30)]


def test_retargeted_due_time_can_be_missed_again(db, policy):
    make_policy(
        policy.calendar, priority=Priority.URGENT, first_response_minutes=60, resolution_minutes=480
    )
    case = new_case(monday(9))
    sla.record_breaches(now=tuesday(10))
    case.priority = Priority.URGENT
    sla.on_priority_change(case, now=tuesday(10))
    sla.record_breaches(now=tuesday(10))
    assert breaches(db) == [
        (case.id, "first_response", monday(17), 60),
        (case.id, "first_response", monday(10), 480),
        (case.id, "resolution", monday(17), 60),
    ]


def test_case_without_a_policy_is_recorded_in_wall_clock_minutes(db, app):
    case = make_case(created_at=monday(9), first_response_due_at=monday(10))
    sla.record_breaches(now=monday(12, 30))
    assert breaches(db) == [(case.id, "first_response", monday(10), 150)]


def test_recording_breaches_takes_the_same_statements_for_many_cases(db, policy, count_queries):
    new_case(monday(9))
    with count_queries() as few:
        sla.record_breaches(now=tuesday(10))
    for _ in range(10):
        new_case(monday(9))
    with count_queries() as many:
        assert len(sla.record_breaches(now=tuesday(10))) == 10
    assert len(many) == len(few)


def test_breach_recorded_meanwhile_by_a_concurrent_sweep_is_skipped(db, policy, monkeypatch):
    case = new_case(monday(9))
    sla.record_breaches(now=tuesday(10))
    # The other sweep's row is invisible when candidates are chosen, as in a race.
    monkeypatch.setattr(breach_records, "_not_recorded", lambda metric, due: db.true())
    assert sla.record_breaches(now=tuesday(11)) == []
    assert breaches(db) == [(case.id, "first_response", monday(17), 60)]


def test_sweep_command_records_breaches_once(app, db):
    make_policy()
    case = make_case(status=CaseStatus.OPEN)
    case.first_response_due_at = datetime.now(UTC) - timedelta(hours=1)
    db.session.commit()
    runner = app.test_cli_runner()
    first = runner.invoke(args=["sla", "sweep"])
    second = runner.invoke(args=["sla", "sweep"])
    assert "Recorded 1 new breach" in first.output, first.output
    assert "Recorded 0 new breach" in second.output
    assert db.session.scalar(db.select(db.func.count()).select_from(SLABreach)) == 1
