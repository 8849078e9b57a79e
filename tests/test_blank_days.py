"""A day or moment typed as spaces is a missing value: the form says so (400), never a 500.

Found by the route fuzz test (tests/test_fuzz.py): `InputRequired` accepted "  " (some input),
the field then had no day, and logging an interaction failed on it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from portal.models import CaseEvent, EventKind, Goal, Role
from tests import factories
from tests.reading import page_text

TODAY = datetime.now(UTC).date()


@pytest.mark.parametrize("typed", [" ", "\t", "  \r\n"])
def test_a_blank_interaction_time_is_asked_for_again(client, login_as, db, typed):
    queue = factories.make_queue()
    agent = factories.make_user(Role.AGENT)
    factories.join_queue(agent, queue)
    case = factories.make_case(queue=queue)
    login_as(agent)
    response = client.post(
        f"/agent/cases/{case.number}/interactions",
        data={
            "channel": "phone",
            "direction": "inbound",
            "occurred_at": typed,
            "duration_minutes": "",
            "summary": "Called about the invoice",
        },
    )
    assert response.status_code == 400
    assert "This field is required." in page_text(response.get_data(as_text=True))
    assert "Called about the invoice" in response.get_data(as_text=True)  # nothing lost
    kinds = db.session.scalars(db.select(CaseEvent.kind).where(CaseEvent.case_id == case.id))
    assert EventKind.INTERACTION not in set(kinds)


def post_goal(client, period_start: str):
    return client.post(
        "/supervisor/goals/new",
        data={
            "name": "Answer fast",
            "metric": "first_response_median",
            "direction": "at_most",
            "target": "60",
            "owner_kind": "team",
            "period_start": period_start,
            "period_end": (TODAY + timedelta(days=6)).isoformat(),
            "thresholds": "75,100",
            "behind_margin": "10",
        },
    )


@pytest.mark.parametrize(
    ("typed", "required"),
    [(" ", True), ("2026-02-30", False)],  # a day that is no day keeps its own message
)
def test_a_blank_or_mistyped_goal_period_is_asked_for_again(client, login_as, db, typed, required):
    login_as(Role.SUPERVISOR)
    response = post_goal(client, typed)
    assert response.status_code == 400
    assert ("This field is required." in page_text(response.get_data(as_text=True))) is required
    assert db.session.scalar(db.select(db.func.count()).select_from(Goal)) == 0
