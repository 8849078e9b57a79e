"""The SLA sweep's escalation rules: warn, notify a missed first response, escalate a missed
resolution; each once, however many sweeps run, one after the other or at the same time."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from portal.domain import escalations, sla
from portal.domain.escalations import sla_sweep
from portal.domain.sla import clocks
from portal.models import (
    CaseStatus,
    Escalation,
    EscalationState,
    Notification,
    NotificationKind,
    OutboxMessage,
    SLANotification,
    SLANotificationKind,
    User,
)
from tests import factories
from tests.supervisor.conftest import T0


def minutes(n: int):
    return T0 + timedelta(minutes=n)


def new_case(desk, *, queue="front", assignee="agent", created=T0, **overrides):
    """An open case created at `created`, its clocks started by its policy."""
    case = factories.make_case(
        queue=desk[queue],
        status=CaseStatus.OPEN,
        assignee=desk[assignee] if assignee else None,
        created_at=created,
        **overrides,
    )
    sla.start_clock(case)
    return case


def notified(db) -> list[tuple[str, str]]:
    rows = db.session.scalars(db.select(Notification).order_by(Notification.id)).all()
    return sorted((db.session.get(User, row.user_id).name, row.kind) for row in rows)


def count(db, model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def sweep(db, at):
    outcome = escalations.sweep(now=at)
    db.session.commit()
    return outcome


def test_nothing_happens_before_the_warning_threshold(desk, policy, db):
    new_case(desk)
    outcome = sweep(db, minutes(47))
    assert (outcome.warnings, outcome.breach_notices, outcome.escalations) == (0, 0, 0)
    assert count(db, Notification) == 0


def test_warning_threshold_tells_the_assignee_and_supervisors_once(desk, policy, db):
    case = new_case(desk)
    outcome = sweep(db, minutes(49))  # 80% of 60 minutes is 48
    assert outcome.warnings == 1
    # Front line has no supervisor of its own: every active supervisor hears of it.
    assert notified(db) == [
        ("Bo Boss", NotificationKind.FIRST_RESPONSE_WARNING),
        ("Lena Lead", NotificationKind.FIRST_RESPONSE_WARNING),
        ("Tara Tier1", NotificationKind.FIRST_RESPONSE_WARNING),
    ]
    emails = db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.kind == "email"))
    assert sorted(message.payload["to"] for message in emails) == sorted(
        [desk["agent"].email, desk["lead"].email, desk["boss"].email]
    )
    assert sweep(db, minutes(50)).warnings == 0
    assert sweep(db, minutes(55)).warnings == 0
    assert count(db, Notification) == 3
    key = db.session.scalars(db.select(SLANotification)).one()
    assert (key.case_id, key.kind, key.due_at) == (case.id, "first_response_warning", minutes(60))


def test_resolution_warning_comes_once_the_first_response_is_in(desk, policy, db):
    case = new_case(desk)
    case.first_responded_at = minutes(10)
    clocks.refresh_warning(case)
    db.session.commit()
    assert sweep(db, minutes(150)).warnings == 0  # 150 of 240 minutes: not yet 80%
    assert sweep(db, minutes(193)).warnings == 1
    assert {kind for _, kind in notified(db)} == {NotificationKind.RESOLUTION_WARNING}


def test_missed_first_response_is_notified_once(desk, policy, db):
    new_case(desk)
    sweep(db, minutes(49))
    db.session.execute(db.delete(Notification))
    db.session.commit()
    outcome = sweep(db, minutes(61))
    assert (outcome.breaches, outcome.breach_notices, outcome.warnings) == (1, 1, 0)
    assert notified(db) == [
        ("Bo Boss", NotificationKind.FIRST_RESPONSE_BREACH),
        ("Lena Lead", NotificationKind.FIRST_RESPONSE_BREACH),
        ("Tara Tier1", NotificationKind.FIRST_RESPONSE_BREACH),
    ]
    assert sweep(db, minutes(90)).breach_notices == 0
    assert count(db, Notification) == 3


def test_a_late_reply_that_came_before_the_sweep_needs_no_notice(desk, policy, db):
    case = new_case(desk)
    case.first_responded_at = minutes(70)
    db.session.commit()
    outcome = sweep(db, minutes(75))
    assert (outcome.breaches, outcome.breach_notices) == (1, 0)


def test_missed_resolution_escalates_to_the_next_tier_once(desk, policy, db):
    case = new_case(desk)
    case.first_responded_at = minutes(10)
    clocks.refresh_warning(case)
    db.session.commit()
    outcome = sweep(db, minutes(241))
    assert outcome.escalations == 1
    db.session.refresh(case)
    assert (case.tier, case.queue_id, case.assignee_id) == (2, desk["specialists"].id, None)
    escalation = db.session.scalars(db.select(Escalation)).one()
    assert escalation.reason == "SLA breach" and escalation.requested_by_id is None
    assert (escalation.from_tier, escalation.to_tier) == (1, 2)
    assert escalation.state == EscalationState.OPEN
    assert ("Lena Lead", NotificationKind.ESCALATION) in notified(db)
    assert sweep(db, minutes(300)).escalations == 0
    assert sweep(db, minutes(301)).escalations == 0
    assert count(db, Escalation) == 1


def test_missed_resolution_at_tier_three_is_flagged(desk, policy, db):
    case = new_case(desk, queue="experts", assignee="expert")
    case.first_responded_at = minutes(10)
    db.session.commit()
    assert sweep(db, minutes(241)).escalations == 1
    flag = db.session.scalars(db.select(Escalation)).one()
    assert escalations.is_flag(flag) and flag.to_tier == 3
    db.session.refresh(case)
    assert (case.tier, case.assignee_id) == (3, desk["expert"].id)
    assert {kind for _, kind in notified(db)} == {NotificationKind.ESCALATION_FLAG}


def test_resolved_and_pending_cases_are_left_alone(desk, policy, db):
    resolved = new_case(desk)
    resolved.status = CaseStatus.RESOLVED
    resolved.resolved_at = minutes(300)
    pending = new_case(desk)
    pending.status = CaseStatus.PENDING
    pending.sla_paused_at = minutes(20)
    db.session.commit()
    outcome = sweep(db, minutes(400))
    assert (outcome.warnings, outcome.breach_notices, outcome.escalations) == (0, 0, 0)


def test_a_sweep_that_saw_stale_candidates_acts_on_none_of_them(desk, policy, db, monkeypatch):
    case = new_case(desk)
    case.first_responded_at = minutes(10)
    db.session.commit()
    sweep(db, minutes(241))
    # As if another sweep's rows had been invisible when this one chose its candidates.
    monkeypatch.setattr(
        sla_sweep,
        "_unnotified_breaches",
        lambda: [(case.id, SLANotificationKind.RESOLUTION_BREACH, minutes(240))],
    )
    assert sweep(db, minutes(242)).escalations == 0
    assert count(db, Escalation) == 1


def test_sweep_command_reports_what_it_did(app, desk, policy, db):
    case = new_case(desk)
    case.first_responded_at = minutes(10)
    db.session.commit()
    runner = app.test_cli_runner()
    first = runner.invoke(args=["sla", "sweep"])
    second = runner.invoke(args=["sla", "sweep"])
    assert "Recorded 1 new breach" in first.output, first.output
    assert "escalated or flagged 1 case(s)" in first.output
    assert "escalated or flagged 0 case(s)" in second.output
    assert count(db, Escalation) == 1


@pytest.mark.parametrize("run", range(3))
def test_two_sweeps_at_once_act_exactly_once(app, desk, policy, db, run):
    now = minutes(250)
    breached = new_case(desk)
    breached.first_responded_at = minutes(10)
    clocks.refresh_warning(breached)
    new_case(desk, created=now - timedelta(minutes=50))  # first response due soon
    sla.record_breaches(now=now)
    db.session.commit()  # the test itself holds no transaction while the sweeps race
    barrier = threading.Barrier(2)
    outcomes, errors = [], []

    def run_sweep():
        with app.app_context():
            from portal.extensions import db as database

            try:
                barrier.wait()
                outcomes.append(escalations.sweep(now=now))
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
    assert sum(outcome.escalations for outcome in outcomes) == 1
    assert sum(outcome.warnings for outcome in outcomes) == 1
    db.session.expire_all()
    assert count(db, Escalation) == 1
    assert count(db, SLANotification) == 2
    kinds = [kind for _, kind in notified(db)]
    assert kinds.count(NotificationKind.FIRST_RESPONSE_WARNING) == 3  # assignee and two supervisors
    # The Specialists queue's supervisor and its agent (nobody was chosen), once each.
    assert kinds.count(NotificationKind.ESCALATION) == 2


def test_each_sweep_action_names_the_notification_it_sends():
    assert SLANotificationKind.FIRST_RESPONSE_WARNING.notification_kind == (
        NotificationKind.FIRST_RESPONSE_WARNING
    )
    assert SLANotificationKind.RESOLUTION_WARNING.notification_kind == (
        NotificationKind.RESOLUTION_WARNING
    )
    assert SLANotificationKind.FIRST_RESPONSE_BREACH.notification_kind == (
        NotificationKind.FIRST_RESPONSE_BREACH
    )
    assert SLANotificationKind.RESOLUTION_BREACH.notification_kind is None  # it escalates
