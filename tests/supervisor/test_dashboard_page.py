"""The supervisor dashboard page: the hand-worked week's figures, filters, CSV, rights,
right-to-left, and a query count that does not grow with the data."""

from __future__ import annotations

import csv
import io

import pytest

from portal.extensions import db
from portal.models import Role
from tests import factories

WEEK_ARGS = {"period": "custom", "first": "2026-11-02", "last": "2026-11-08"}


def figure(html: str, element_id: str) -> str:
    start = html.index(f'id="{element_id}"')
    return html[html.index(">", start) + 1 : html.index("<", start)].strip()


def test_supervisor_sees_the_weeks_figures(week, client, login_as):
    login_as(Role.SUPERVISOR)
    response = client.get("/supervisor/dashboard", query_string=WEEK_ARGS)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert figure(html, "kpi-created") == "5"
    assert figure(html, "kpi-resolved") == "4"
    assert figure(html, "kpi-first-response") == "2 h 30 min"  # median 150 minutes
    assert figure(html, "kpi-fr-sla") == "60.0%"
    assert figure(html, "kpi-res-sla") == "80.0%"
    assert figure(html, "kpi-reopen") == "25.0%"
    assert figure(html, "kpi-fcr") == "75.0%"
    assert figure(html, "kpi-escalation") == "16.7%"
    assert figure(html, "kpi-csat") == "50.0%"
    assert 'id="daily-chart"' in html and "Agent Two" in html


def test_scope_narrows_the_figures(week, client, login_as):
    login_as(Role.SUPERVISOR)
    scope = f"agent:{week['expert'].id}"
    html = client.get("/supervisor/dashboard", query_string={**WEEK_ARGS, "scope": scope})
    html = html.get_data(as_text=True)
    assert figure(html, "kpi-resolved") == "1"
    assert figure(html, "kpi-first-response") == "10 min"


def test_jalali_days_are_accepted(week, client, login_as):
    login_as(Role.SUPERVISOR)
    # 11 to 17 Aban 1405 is 2 to 8 November 2026, typed in Persian digits.
    args = {"period": "custom", "first": "۱۴۰۵-۰۸-۱۱", "last": "۱۴۰۵-۰۸-۱۷"}
    html = client.get("/supervisor/dashboard", query_string=args).get_data(as_text=True)
    assert figure(html, "kpi-created") == "5"


@pytest.mark.parametrize(
    "args, message",
    [
        ({"period": "custom", "first": "2026-11-08", "last": "2026-11-02"}, "before the first"),
        ({"period": "custom", "first": "yesterday", "last": "2026-11-02"}, "year-month-day"),
        ({"period": "custom", "first": "2026-02-30", "last": "2026-03-02"}, "does not exist"),
        ({"period": "custom", "first": "2020-01-01", "last": "2026-01-01"}, "at most"),
        ({"period": "year"}, "Choose a period"),
        ({"scope": "queue:abc"}, "Choose whose work"),
        ({"scope": "tier:9"}, "Choose whose work"),
    ],
)
def test_bad_filters_get_a_400_with_a_message(client, login_as, args, message):
    login_as(Role.SUPERVISOR)
    response = client.get("/supervisor/dashboard", query_string=args)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_csv_has_the_same_figures_and_is_formula_safe(week, client, login_as):
    week["expert"].name = '=HYPERLINK("http://evil.example")'
    db.session.commit()
    login_as(Role.SUPERVISOR)
    response = client.get("/supervisor/dashboard", query_string={**WEEK_ARGS, "format": "csv"})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["Figure", "For", "Value"]
    values = {(row[0], row[1]): row[2] for row in rows[1:]}
    assert values[("Cases created", "Everyone in the scope")] == "5"
    assert values[("First-response SLA met", "Everyone in the scope")] == "60.0"
    assert values[("Median first response", "Everyone in the scope")] == "150.0"
    assert values[("Escalation rate", "Tier 1")] == "25.0"
    names = {row[1] for row in rows[1:]}
    assert '\'=HYPERLINK("http://evil.example")' in names
    assert not any(name.startswith("=") for name in names)


def test_json_for_api_clients(week, client, login_as):
    login_as(Role.SUPERVISOR)
    data = client.get("/supervisor/dashboard", query_string={**WEEK_ARGS, "format": "json"}).json
    assert data["period"] == {"first": "2026-11-02", "last": "2026-11-08"}
    assert data["metrics"]["resolved"] == 4
    assert data["metrics"]["first_response_p90"] == 432.0
    assert [t["escalated"] for t in data["tiers"]] == [1, 0, 0]
    assert len(data["days"]) == 7
    bad = client.get("/supervisor/dashboard", query_string={"period": "year", "format": "json"})
    assert bad.status_code == 400 and "Choose a period" in bad.json["error"]["message"]


def test_persian_dashboard_is_right_to_left_with_persian_digits(week, client, login_as):
    login_as(factories.make_user(Role.SUPERVISOR, language="fa"))
    html = client.get("/supervisor/dashboard", query_string=WEEK_ARGS).get_data(as_text=True)
    assert 'dir="rtl"' in html
    assert figure(html, "kpi-created") == "۵"


@pytest.mark.parametrize("role", [Role.AGENT, Role.CUSTOMER])
def test_agents_and_customers_get_403(client, login_as, role):
    login_as(role)
    assert client.get("/supervisor/dashboard").status_code == 403
    for wanted in ("csv", "json"):
        response = client.get("/supervisor/dashboard", query_string={"format": wanted})
        assert response.status_code == 403


def test_visitors_are_sent_to_sign_in(client):
    response = client.get("/supervisor/dashboard")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_query_count_does_not_grow_with_cases_or_agents(week, client, login_as, count_queries):
    login_as(Role.SUPERVISOR)
    with count_queries() as before:
        assert client.get("/supervisor/dashboard", query_string=WEEK_ARGS).status_code == 200
    queue = week["front"]
    for n in range(6):
        agent = factories.make_user(Role.AGENT, name=f"Extra agent {n}")
        for _ in range(3):
            factories.make_case(queue=queue, assignee=agent)
    db.session.commit()
    with count_queries() as after:
        assert client.get("/supervisor/dashboard", query_string=WEEK_ARGS).status_code == 200
    assert len(after) == len(before)
