"""A CSAT of 1-2 becomes a follow-up item: owned by a supervisor of the case's queue (or the
account owner), due in two business days on the case's SLA calendar."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from freezegun import freeze_time

from portal.domain.voc import surveys
from portal.models import Feedback, FeedbackKind, FeedbackStatus, Role
from tests import factories
from tests.feedback.conftest import resolve_and_survey

FRIDAY_AFTERNOON = datetime(2026, 3, 13, 15, 0, tzinfo=UTC)


def rate(client, invitation, score: int):
    response = client.post(
        f"/feedback/s/{surveys.make_token(invitation)}", data={"score": str(score)}
    )
    assert response.status_code == 302, response.status_code


def the_answer(db) -> Feedback:
    db.session.expire_all()
    return db.session.scalar(sa.select(Feedback).where(Feedback.kind == FeedbackKind.CSAT))


def test_low_csat_goes_to_the_queue_supervisor_due_in_two_business_days(client, db, world):
    factories.make_policy(factories.make_calendar())  # Mon-Fri 09-17 UTC, standard/normal
    with freeze_time(FRIDAY_AFTERNOON):
        invitation = resolve_and_survey(world.case, world.agent)
        rate(client, invitation, 2)
    answer = the_answer(db)
    assert answer.status == FeedbackStatus.NEW
    assert answer.owner_id == world.supervisor.id
    # 16 business hours: Fri 15-17, Mon 9-17, Tue 9-15.
    assert answer.due_at == datetime(2026, 3, 17, 15, 0, tzinfo=UTC)


def test_without_a_queue_supervisor_the_account_owner_follows_up(client, db, world):
    world.supervisor.queues.remove(world.queue)
    world.account.owner = world.other_agent
    invitation = resolve_and_survey(world.case, world.agent)
    start = datetime.now(UTC)
    rate(client, invitation, 1)
    answer = the_answer(db)
    assert answer.owner_id == world.other_agent.id
    # No SLA policy for the case: two calendar days.
    assert timedelta(days=2) <= answer.due_at - start < timedelta(days=2, minutes=1)


def test_inactive_supervisors_are_passed_over_and_the_least_busy_one_is_chosen(client, db, world):
    busy = world.supervisor
    idle = factories.make_user(Role.SUPERVISOR)
    retired = factories.make_user(Role.SUPERVISOR, is_active=False)
    idle.queues.append(world.queue)
    retired.queues.append(world.queue)
    db.session.add(Feedback(kind=FeedbackKind.COMPLAINT, owner_id=busy.id))
    invitation = resolve_and_survey(world.case, world.agent)
    rate(client, invitation, 1)
    assert the_answer(db).owner_id == idle.id


def test_nobody_to_follow_up_leaves_it_unowned_but_listed(client, db, world):
    world.supervisor.queues.remove(world.queue)
    invitation = resolve_and_survey(world.case, world.agent)
    rate(client, invitation, 2)
    answer = the_answer(db)
    assert answer.owner_id is None and answer.due_at is not None
    assert answer.status == FeedbackStatus.NEW


def test_changing_a_good_rating_to_a_bad_one_starts_a_follow_up_that_stays(client, db, world):
    invitation = resolve_and_survey(world.case, world.agent)
    rate(client, invitation, 5)
    answer = the_answer(db)
    assert (answer.status, answer.owner_id, answer.due_at) == (FeedbackStatus.CLOSED, None, None)
    rate(client, invitation, 1)
    answer = the_answer(db)
    assert (answer.status, answer.owner_id) == (FeedbackStatus.NEW, world.supervisor.id)
    due = answer.due_at
    rate(client, invitation, 4)  # changed their mind: the owner still hears about it
    answer = the_answer(db)
    assert (answer.score, answer.status, answer.owner_id, answer.due_at) == (
        4,
        FeedbackStatus.NEW,
        world.supervisor.id,
        due,
    )
    assert db.session.scalar(sa.select(sa.func.count(Feedback.id))) == 1  # counted once
