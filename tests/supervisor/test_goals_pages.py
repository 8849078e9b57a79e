"""The goal pages: who may use them, creating, editing and deleting, validation, history, query
counts, and an agent's goals on their home page."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from portal.domain.analytics import metrics
from portal.models import CaseStatus, Goal, GoalDirection, GoalOwnerKind, Role
from tests import factories

TODAY = datetime.now(UTC).date()


def make_goal(db, **overrides) -> Goal:
    goal = factories.make_goal(**overrides)
    db.session.commit()
    return goal


def form_data(**overrides) -> dict:
    values = {
        "name": "Answer fast",
        "metric": "first_response_median",
        "direction": "at_most",
        "target": "60",
        "owner_kind": "team",
        "owner_user_id": "",
        "owner_queue_id": "",
        "owner_tier": "",
        "period_start": TODAY.isoformat(),
        "period_end": (TODAY + timedelta(days=6)).isoformat(),
        "thresholds": "75,100",
        "behind_margin": "10",
    }
    return {**values, **overrides}


def goal_count(db) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(Goal))


PAGES = [
    ("get", "/supervisor/goals"),
    ("get", "/supervisor/goals?show=past"),
    ("get", "/supervisor/goals/new"),
    ("get", "/supervisor/goals/{id}"),
    ("get", "/supervisor/goals/{id}/edit"),
]
ACTIONS = [
    ("post", "/supervisor/goals/new"),
    ("post", "/supervisor/goals/{id}/edit"),
    ("post", "/supervisor/goals/{id}/delete"),
]


def _request(client, method, url, goal):
    url = url.format(id=goal.id)
    if method == "get":
        return client.get(url)
    return client.post(url, data=form_data(name="Changed"))


@pytest.mark.parametrize("method,url", PAGES + ACTIONS)
def test_visitors_are_sent_to_sign_in(client, db, method, url):
    goal = make_goal(db)
    response = _request(client, method, url, goal)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("role", [Role.CUSTOMER, Role.AGENT])
@pytest.mark.parametrize("method,url", PAGES + ACTIONS)
def test_customers_and_agents_are_refused(client, login_as, db, role, method, url):
    goal = make_goal(db)
    login_as(role)
    assert _request(client, method, url, goal).status_code == 403
    db.session.expire_all()
    assert goal_count(db) == 1 and db.session.get(Goal, goal.id).name == "Resolve ten"


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.ADMIN])
@pytest.mark.parametrize("method,url", PAGES)
def test_supervisors_and_admins_see_every_page(client, login_as, db, role, method, url):
    goal = make_goal(db)
    login_as(role)
    response = _request(client, method, url, goal)
    assert response.status_code == 200


def test_list_shows_actual_progress_forecast_and_status(client, login_as, db):
    agent = factories.make_user(Role.AGENT, name="Ana Agent")
    make_goal(db, owner_kind=GoalOwnerKind.AGENT, owner_user_id=agent.id, name="Ana's goal")
    for _ in range(4):
        factories.make_case(
            status=CaseStatus.RESOLVED, assignee=agent, resolved_at=datetime.now(UTC)
        )
    make_goal(
        db,
        name="Last month",
        period_start=TODAY - timedelta(days=40),
        period_end=TODAY - timedelta(days=10),
    )
    login_as(Role.SUPERVISOR)
    page = client.get("/supervisor/goals").get_data(as_text=True)
    assert "Ana&#39;s goal" in page and "Ana Agent" in page
    assert "at least 10" in page and "40%" in page  # 4 of 10
    assert "Cases resolved" in page
    assert "badge text-bg-" in page and "<svg" in page and "<line" in page  # expected marker
    assert "Last month" not in page
    past = client.get("/supervisor/goals?show=past").get_data(as_text=True)
    assert "Last month" in past and "Missed" in past and "Ana&#39;s goal" not in past
    assert client.get("/supervisor/goals?show=everything").status_code == 400


def test_a_supervisor_creates_a_goal(client, login_as, db):
    boss = login_as(Role.SUPERVISOR)
    queue = factories.make_queue(2, name="Specialists")
    data = form_data(owner_kind="queue", owner_queue_id=str(queue.id), thresholds="50, 90")
    response = client.post("/supervisor/goals/new", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    goal = db.session.scalar(db.select(Goal))
    assert response.headers["Location"].endswith(f"/supervisor/goals/{goal.id}")
    assert (goal.name, goal.metric, goal.owner_queue_id, goal.target) == (
        "Answer fast",
        "first_response_median",
        queue.id,
        60.0,
    )
    assert goal.direction == GoalDirection.AT_MOST and goal.created_by_id == boss.id
    assert goal.thresholds == "50,90" and goal.owner_user_id is None
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Answer fast" in page and "Specialists" in page and "at most 60 min" in page


def test_edit_and_delete(client, login_as, db):
    goal = make_goal(db)
    goal_id = goal.id
    login_as(Role.SUPERVISOR)
    form = client.get(f"/supervisor/goals/{goal_id}/edit").get_data(as_text=True)
    assert 'value="Resolve ten"' in form
    data = form_data(name="Resolve twelve", metric="resolved", direction="at_least", target="12")
    assert client.post(f"/supervisor/goals/{goal_id}/edit", data=data).status_code == 302
    db.session.expire_all()
    assert (goal.name, goal.target) == ("Resolve twelve", 12.0)
    assert client.post(f"/supervisor/goals/{goal_id}/delete").status_code == 302
    assert goal_count(db) == 0
    assert client.get(f"/supervisor/goals/{goal_id}").status_code == 404


def test_posts_without_a_csrf_token_are_refused(client, login_as, db):
    goal = make_goal(db)
    login_as(Role.SUPERVISOR)
    assert client.post("/supervisor/goals/new", data=form_data(), csrf=False).status_code == 400
    edit = client.post(f"/supervisor/goals/{goal.id}/edit", data=form_data(), csrf=False)
    assert edit.status_code == 400
    assert client.post(f"/supervisor/goals/{goal.id}/delete", csrf=False).status_code == 400
    db.session.expire_all()
    assert goal_count(db) == 1 and goal.name == "Resolve ten"


@pytest.mark.parametrize(
    "overrides,message",
    [
        ({"metric": "happiness"}, "Choose one of the listed metrics."),
        ({"owner_kind": "agent"}, "Choose an active staff member."),
        ({"owner_kind": "agent", "owner_user_id": "customer"}, "Choose an active staff member."),
        ({"owner_kind": "agent", "owner_user_id": "999999"}, "Choose an active staff member."),
        ({"owner_kind": "queue", "owner_queue_id": "999999"}, "Choose an existing queue."),
        ({"owner_kind": "tier", "owner_tier": "4"}, "Choose tier 1, 2 or 3."),
        ({"owner_kind": "company"}, "Choose who owns the goal."),
        (
            {"period_end": (TODAY - timedelta(days=1)).isoformat()},
            "The period cannot end before it starts.",
        ),
        ({"target": "-1"}, "The target cannot be negative."),
        ({"metric": "csat", "direction": "at_least", "target": "120"}, "at most 100"),
        ({"thresholds": "75,lots"}, "separated by commas"),
        ({"name": "   "}, "This field is required."),
        ({"target": "many"}, "Give a number, such as 95 or 2.5."),
        ({"period_start": "yesterday"}, "Give the day as year-month-day"),
    ],
)
def test_bad_input_is_shown_and_nothing_is_written(client, login_as, db, overrides, message):
    login_as(Role.SUPERVISOR)
    customer = factories.make_user(Role.CUSTOMER)
    if overrides.get("owner_user_id") == "customer":
        overrides = {**overrides, "owner_user_id": str(customer.id)}
    response = client.post("/supervisor/goals/new", data=form_data(**overrides))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page and "is-invalid" in page
    assert goal_count(db) == 0


def test_bad_edit_leaves_the_goal_as_it_was(client, login_as, db):
    goal = make_goal(db)
    login_as(Role.SUPERVISOR)
    data = form_data(name="Changed", metric="csat", direction="at_least", target="101")
    response = client.post(f"/supervisor/goals/{goal.id}/edit", data=data)
    assert response.status_code == 400 and "A percentage target is at most 100." in response.text
    db.session.expire_all()
    assert (goal.name, goal.metric, goal.target) == ("Resolve ten", "resolved", 10.0)


def test_goal_page_compares_earlier_periods(client, login_as, db):
    agent = factories.make_user(Role.AGENT, name="Ana Agent")
    mine = {"owner_kind": GoalOwnerKind.AGENT, "owner_user_id": agent.id}
    current = make_goal(db, name="This week", **mine)
    make_goal(
        db,
        name="Two weeks ago",
        period_start=TODAY - timedelta(days=17),
        period_end=TODAY - timedelta(days=11),
        target=7.0,
        **mine,
    )
    make_goal(db, name="Someone else's", period_start=TODAY - timedelta(days=17))
    make_goal(db, name="Other metric", metric="created", period_start=date(2020, 1, 1), **mine)
    login_as(Role.SUPERVISOR)
    page = client.get(f"/supervisor/goals/{current.id}").get_data(as_text=True)
    assert "This week" in page and "Two weeks ago" in page and "at least 7" in page
    assert "Someone else" not in page and "Other metric" not in page
    assert "Missed" in page  # no cases were resolved two weeks ago


def test_goal_pages_work_right_to_left(client, login_as, db):
    goal = make_goal(db)
    login_as(factories.make_user(Role.SUPERVISOR, language="fa"))
    for url in ("/supervisor/goals", f"/supervisor/goals/{goal.id}", "/supervisor/goals/new"):
        response = client.get(url)
        assert response.status_code == 200 and 'dir="rtl"' in response.text


def test_list_query_count_does_not_grow_with_the_goals(
    client, login_as, db, count_queries, monkeypatch
):
    """The page's own queries are fixed, whatever the number of goals. KPI figures are stubbed
    here: each distinct (metric, owner, period) figure costs the KPI module's own fixed
    queries, and identical figures are computed once per page."""
    login_as(Role.SUPERVISOR)
    queue = factories.make_queue(1)
    figures = []
    monkeypatch.setattr(
        metrics, "value", lambda metric, scope, when, *, now: figures.append(scope) or 1.0
    )

    def add_goals(n):
        for _ in range(n):
            agent = factories.make_user(Role.AGENT)
            mine = {"owner_kind": GoalOwnerKind.AGENT, "owner_user_id": agent.id}
            make_goal(db, created_by_id=agent.id, **mine)
            make_goal(db, owner_kind=GoalOwnerKind.QUEUE, owner_queue_id=queue.id)

    def statements() -> int:
        figures.clear()
        with count_queries() as run:
            assert client.get("/supervisor/goals").status_code == 200
        return len(run)

    add_goals(1)
    few = statements()
    assert len(figures) == 2
    add_goals(5)
    assert statements() == few
    assert len(figures) == 7  # six agents' figures and the queue's, once


def test_agent_home_shows_their_goals(client, login_as, db):
    ana = factories.make_user(Role.AGENT, name="Ana Agent")
    ben = factories.make_user(Role.AGENT, name="Ben Agent")
    make_goal(db, name="Ana's own goal", owner_kind=GoalOwnerKind.AGENT, owner_user_id=ana.id)
    make_goal(db, name="Ben's own goal", owner_kind=GoalOwnerKind.AGENT, owner_user_id=ben.id)
    make_goal(db, name="The team's goal")
    login_as(ana)
    page = client.get("/").get_data(as_text=True)
    assert "My goals" in page and "Ana&#39;s own goal" in page and "The team&#39;s goal" in page
    assert "Ben&#39;s own goal" not in page
    assert "/supervisor/goals" not in page.split("My goals")[1].split("Recently updated")[0]
