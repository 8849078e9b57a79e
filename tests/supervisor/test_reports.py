"""The reports page, its CSV exports and `flask reports weekly`."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from portal.domain import analytics
from portal.domain.analytics import report_cases, reports, weekly_report
from portal.models import CaseStatus, Channel, Escalation, Goal, GoalOwnerKind, Role
from portal.models._base import utcnow
from tests import factories
from tests.reading import as_read

FORTNIGHT = {"period": "custom", "first": "2026-11-01", "last": "2026-11-14"}


def at(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=UTC)


def read_csv(response) -> list[list[str]]:
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


@pytest.fixture
def supervisor(login_as):
    return login_as(factories.make_user(Role.SUPERVISOR, name="Sue Supervisor"))


def make_cases(count: int, *, account=None, **facts) -> list:
    contact = factories.make_contact(account or factories.make_account())
    queue = factories.make_queue(1)
    return [
        factories.make_case(contact, queue=queue, created_at=at(2 + n % 10), **facts)
        for n in range(count)
    ]


@pytest.mark.parametrize("role", [Role.CUSTOMER, Role.AGENT])
@pytest.mark.parametrize(
    "url",
    ["/supervisor/reports", "/supervisor/reports?format=csv", "/supervisor/reports/cases.csv"],
)
def test_customers_and_agents_get_403(client, login_as, role, url):
    login_as(role)
    response = client.get(url)
    assert response.status_code == 403
    assert b"Reports" not in response.data


@pytest.mark.parametrize("url", ["/supervisor/reports", "/supervisor/reports/cases.csv"])
def test_visitors_are_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_admins_see_the_report(client, login_as):
    login_as(Role.ADMIN)
    assert client.get("/supervisor/reports").status_code == 200


def test_the_page_shows_a_row_per_bucket_and_a_total(client, supervisor, db):
    make_cases(3)
    page = client.get("/supervisor/reports", query_string={**FORTNIGHT, "group": "week"})
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert text.count('<th scope="row" class="fw-normal text-nowrap">') == 3  # 1, 2-8, 9-14
    assert 'id="report-total"' in text and "Total" in text
    assert "style=" not in text.split("<main", 1)[-1]  # the CSP allows no inline styles


def test_the_page_works_right_to_left(client, login_as, db):
    login_as(factories.make_user(Role.SUPERVISOR, language="fa"))
    make_cases(2)
    page = client.get("/supervisor/reports", query_string={**FORTNIGHT, "group": "month"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and 'dir="rtl"' in text
    assert "آبان" in text  # one Jalali month: Aban 1405


@pytest.mark.parametrize(
    "args",
    [
        {"queue": "abc"},
        {"queue": "999999"},
        {"tier": "9"},
        {"agent": "-1"},
        {"account": "x"},
        {"category": "<script>"},
        {"channel": "fax"},
        {"group": "year"},
        {"period": "12"},
        {"period": "custom", "first": "2026-13-40", "last": "2026-11-01"},
        {"period": "custom", "first": "2026-11-10", "last": "2026-11-01"},
        {"period": "custom", "first": "2020-01-01", "last": "2026-11-01"},
    ],
)
@pytest.mark.parametrize("url", ["/supervisor/reports", "/supervisor/reports/cases.csv"])
def test_bad_filters_are_a_400_with_a_message(client, supervisor, args, url):
    response = client.get(url, query_string=args)
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert 'id="filter-error"' in text
    assert "<script>" not in text.split('id="filter-error"', 1)[1]


def test_the_table_csv_has_the_header_and_the_totals(app, client, supervisor, db):
    make_cases(4, status=CaseStatus.RESOLVED, resolved_at=at(12))
    response = client.get(
        "/supervisor/reports", query_string={**FORTNIGHT, "group": "week", "format": "csv"}
    )
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = read_csv(response)
    with app.test_request_context():
        assert rows[0] == reports.table_header()
    assert rows[0][:4] == ["First day", "Last day", "Created", "Resolved"]
    assert [row[:2] for row in rows[1:-1]] == [
        ["2026-11-01", "2026-11-01"],
        ["2026-11-02", "2026-11-08"],
        ["2026-11-09", "2026-11-14"],
    ]
    assert rows[-1][0] == "Total" and rows[-1][2:4] == ["4", "4"]


def test_the_case_list_is_formula_safe(client, supervisor, db):
    account = factories.make_account(name='=HYPERLINK("http://evil")')
    contact = factories.make_contact(account)
    queue = factories.make_queue(1, name="@queue")
    for n, subject in enumerate(["=1+1", "+cmd", "-2+3", "@SUM(A1)", "Plain"]):
        factories.make_case(
            contact, queue=queue, subject=subject, created_at=at(3 + n), channel=Channel.CHAT
        )
    response = client.get("/supervisor/reports/cases.csv", query_string=FORTNIGHT)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = read_csv(response)
    assert rows[0] == list(report_cases.CASE_HEADER)
    by_subject = {row[1]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert set(by_subject) == {"'=1+1", "'+cmd", "'-2+3", "'@SUM(A1)", "Plain"}
    plain = by_subject["Plain"]
    assert plain["account"] == '\'=HYPERLINK("http://evil")' and plain["queue"] == "'@queue"
    assert plain["channel"] == "chat" and plain["status"] == "new"
    assert plain["created_at"] == "2026-11-07T10:00+00:00"


def test_the_case_list_follows_the_filters(client, supervisor, db):
    acme = factories.make_account(name="Acme")
    make_cases(2, account=acme, category="billing")
    make_cases(3, category="billing")
    make_cases(1, account=acme, category="technical")
    make_cases(1, account=acme, category="billing", channel=Channel.PHONE)
    query = {**FORTNIGHT, "account": acme.id, "category": "billing", "channel": "web"}
    rows = read_csv(client.get("/supervisor/reports/cases.csv", query_string=query))
    assert len(rows) == 1 + 2
    page = client.get("/supervisor/reports", query_string={**query, "group": "month"})
    total = page.get_data(as_text=True).split('id="report-total"', 1)[1]
    assert "<td>2</td>" in total


def test_too_big_a_case_list_is_refused_with_a_message(client, supervisor, db, monkeypatch):
    make_cases(3)
    monkeypatch.setattr(analytics, "EXPORT_LIMIT", 2)  # the limit the page reads
    response = client.get("/supervisor/reports/cases.csv", query_string=FORTNIGHT)
    assert response.status_code == 400
    assert "at most 2" in response.get_data(as_text=True)


def test_the_page_runs_the_same_queries_whatever_the_cases_or_buckets(
    client, supervisor, db, count_queries
):
    def statements(group: str) -> int:
        with count_queries() as seen:
            assert (
                client.get(
                    "/supervisor/reports", query_string={**FORTNIGHT, "group": group}
                ).status_code
                == 200
            )
        return len(seen)

    make_cases(2, status=CaseStatus.RESOLVED, resolved_at=at(12), first_responded_at=at(11))
    few_by_month = statements("month")
    make_cases(30, status=CaseStatus.RESOLVED, resolved_at=at(12), first_responded_at=at(11))
    db.session.add(Escalation(case_id=make_cases(1)[0].id, from_tier=1, to_tier=2,
                              reason="More", created_at=at(5)))  # fmt: skip
    db.session.commit()
    assert statements("month") == few_by_month
    assert statements("day") == few_by_month


# --- flask reports weekly ------------------------------------------------------------------


def test_weekly_report_emails_each_supervisor_in_their_language(app, db, smtp):
    english = factories.make_user(Role.SUPERVISOR, name="Sue", language="en")
    persian = factories.make_user(Role.SUPERVISOR, name="Sara", language="fa")
    admin = factories.make_user(Role.ADMIN, name="Adam")
    factories.make_user(Role.AGENT)
    factories.make_user(Role.SUPERVISOR, is_active=False)
    factories.make_user(Role.SUPERVISOR, notify_by_email=False)
    now = utcnow()
    contact = factories.make_contact(factories.make_account())
    queue = factories.make_queue(1)
    cases = [
        factories.make_case(contact, queue=queue, created_at=now - timedelta(days=days))
        for days in (2, 3, 4, 9)
    ]
    db.session.add(
        Escalation(case_id=cases[0].id, from_tier=1, to_tier=2, reason="Database expertise",
                   created_at=now - timedelta(days=2))
    )  # fmt: skip
    today = now.date()
    db.session.add(
        Goal(name="Answer faster", metric="created", owner_kind=GoalOwnerKind.TEAM,
             period_start=today - timedelta(days=3), period_end=today + timedelta(days=3),
             target=10)
    )  # fmt: skip
    db.session.commit()

    result = app.test_cli_runner().invoke(args=["reports", "weekly"])

    assert result.exit_code == 0, result.output
    assert "Queued 3 weekly report email(s)." in result.output
    assert english.email in result.output and persian.email in result.output
    messages = {message["To"]: message for message in smtp.wait_for(3)}
    assert set(messages) == {english.email, persian.email, admin.email}
    text = as_read(messages[english.email].get_body(("plain",)).get_content())
    assert "Cases created: 3 (week before: 1)" in text
    assert "Answer faster" in text and "Database expertise (1)" in text
    assert "/supervisor/reports?period=custom" in text
    html = messages[persian.email].get_body(("html",)).get_content()
    assert 'dir="rtl"' in html and 'lang="fa"' in html
    assert "Answer faster" in html and "Database expertise" in html
    assert "۳" in html  # three cases this week, in Persian digits


def test_weekly_report_with_nobody_to_tell(app, db, smtp):
    result = app.test_cli_runner().invoke(args=["reports", "weekly"])
    assert result.exit_code == 0 and "Queued 0 weekly report email(s)." in result.output
    assert smtp.wait_for(1, timeout=0.3) == []


def test_weekly_figures_are_the_kpi_modules(db):
    from portal.domain.analytics import metrics, scopes

    now = utcnow()
    contact = factories.make_contact(factories.make_account())
    factories.make_case(
        contact, created_at=now - timedelta(days=1), first_responded_at=now,
        first_response_minutes=42, first_response_due_at=now + timedelta(hours=1),
    )  # fmt: skip
    db.session.commit()
    summary = weekly_report.weekly_summary(now=now, tz=ZoneInfo("UTC"))
    for row in summary.figures:
        assert row.this_week == metrics.value(
            row.metric.key, scopes.Scope(), summary.this_week, now=now
        )
        assert row.last_week == metrics.value(
            row.metric.key, scopes.Scope(), summary.last_week, now=now
        )
    assert summary.this_week.last == now.date() - timedelta(days=1)
    assert summary.last_week.first == now.date() - timedelta(days=14)
