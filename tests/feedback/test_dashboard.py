"""The VoC dashboard against a fixture whose figures were worked out by hand, its fixed query
count, the week and month buckets on each engine, and the formula-safe CSV export."""

from __future__ import annotations

import csv
import io
import secrets
from datetime import UTC, datetime, timedelta

import pytest

from portal.domain import voc
from portal.domain.voc import csv_export, items, score_bands, trends
from portal.models import Feedback, FeedbackKind, FeedbackStatus, SurveyInvitation
from portal.models._base import utcnow
from tests import factories

CLOSED, NEW = FeedbackStatus.CLOSED, FeedbackStatus.NEW
CANARY = "CANARY-discussion-41d2"


def answer(kind, score, at, *, case=None, account=None, status=CLOSED, due=None, themes=()):
    """A survey answer as surveys.record_rating stores it, at a chosen moment."""
    row = Feedback(
        kind=kind,
        score=score,
        sentiment=score_bands.sentiment_for_score(kind, score),
        status=status,
        due_at=due,
        created_at=at,
        updated_at=at,
        account_id=account.id if account else case.account_id if case else None,
        contact_id=case.requester_id if case else None,
        **items.case_links(case),
    )
    factories.db.session.add(row)
    factories.db.session.flush()
    if themes:
        items._replace_themes(row, list(themes))
    return row


def item(at, themes, kind=FeedbackKind.COMPLAINT):
    row = Feedback(kind=kind, summary="item", created_at=at, updated_at=at)
    factories.db.session.add(row)
    factories.db.session.flush()
    items._replace_themes(row, list(themes))
    return row


def invitations(kind, count, answered, at, contact):
    for n in range(count):
        factories.db.session.add(
            SurveyInvitation(
                kind=kind,
                nonce=secrets.token_hex(16),
                contact_id=contact.id,
                sent_at=at,
                expires_at=at + timedelta(days=30),
                answered_at=at if n < answered else None,
            )
        )


@pytest.fixture
def figures(db, world):
    """Six CSAT and five NPS answers this period, a few before, themes and surveys sent."""
    now = utcnow()
    ago = lambda days: now - timedelta(days=days)  # noqa: E731
    specialists = factories.make_queue(2, name="Specialists")
    billing = world.case  # account A, queue 1 (tier 1), agent 1, category billing
    technical = factories.make_case(
        world.outsider.contact,
        queue=specialists,
        assignee=world.other_agent,
        category="technical",
    )  # account B, queue 2 (tier 2), agent 2
    slow = voc.create_theme("Slow replies", by=world.supervisor)
    errors = voc.create_theme("Billing errors", by=world.supervisor)
    csat, nps = FeedbackKind.CSAT, FeedbackKind.NPS
    answer(csat, 5, ago(1), case=billing, themes=[slow])
    answer(csat, 4, ago(2), case=billing)
    answer(csat, 3, ago(3), case=technical)
    low = answer(csat, 2, ago(4), case=technical, status=NEW, due=now + timedelta(days=1))
    low.detail = CANARY  # a comment is fine on the dashboard; the canary is for the CSV test
    items._replace_themes(low, [slow])
    answer(csat, 1, ago(5), case=billing)  # low but already closed
    answer(csat, 5, ago(6), case=billing)
    answer(csat, 5, ago(40), case=billing)
    answer(csat, 5, ago(45), case=billing)
    old = answer(csat, 1, ago(100), case=billing, status=FeedbackStatus.IN_PROGRESS)
    a, b = world.account, world.other_account
    for score, days in ((10, 1), (9, 2), (9, 3)):
        answer(nps, score, ago(days), account=a)
    answer(nps, 8, ago(4), account=b)
    detractor = answer(nps, 0, ago(5), account=b, status=NEW, due=now - timedelta(days=1))
    answer(nps, 0, ago(40), account=a)
    item(ago(6), [slow])
    item(ago(45), [slow])
    item(ago(7), [errors])
    item(ago(50), [errors])
    item(ago(55), [errors])
    contact = world.customer.contact
    invitations(csat, 8, 6, ago(3), contact)
    invitations(nps, 10, 5, ago(3), contact)
    invitations(csat, 1, 1, ago(45), contact)
    db.session.commit()
    return {
        "now": now,
        "specialists": specialists,
        "slow": slow,
        "low": low,
        "old": old,
        "detractor": detractor,
    }


def test_dashboard_figures_match_a_hand_computed_fixture(db, world, figures):
    board = voc.dashboard(now=figures["now"], days=30)
    # CSAT 5,4,3,2,1,5: three of six are 4-5 -> 50 %, mean 20/6; before: 5,5.
    assert (board.current.csat_count, board.current.csat_percent) == (6, 50.0)
    assert board.current.csat_average == 3.33
    assert (board.previous.csat_percent, board.previous.csat_average) == (100.0, 5.0)
    # NPS 10,9,9,8,0: (3 promoters - 1 detractor) / 5 = 40; before: one 0 -> -100.
    current = board.current
    assert (current.promoters, current.passives, current.detractors, current.nps) == (3, 1, 1, 40)
    assert board.previous.nps == -100
    # Sent this period: 8 CSAT (6 answered), 10 NPS (5 answered).
    assert board.response[FeedbackKind.CSAT].percent == 75.0
    assert board.response[FeedbackKind.NPS].percent == 50.0

    def table(dimension):
        return {
            row.label: (row.scores.csat_count, row.scores.csat_percent, row.scores.csat_average)
            for row in board.breakdowns[dimension]
        }

    queue_one, queue_two = world.queue.name, "Specialists"
    assert table("queue") == {queue_one: (4, 75.0, 3.75), queue_two: (2, 0.0, 2.5)}
    assert table("tier") == {"1": (4, 75.0, 3.75), "2": (2, 0.0, 2.5)}
    assert table("agent") == {
        world.agent.name: (4, 75.0, 3.75),
        world.other_agent.name: (2, 0.0, 2.5),
    }
    assert table("category") == {"billing": (4, 75.0, 3.75), "technical": (2, 0.0, 2.5)}
    assert table("theme") == {"Slow replies": (2, 50.0, 3.5)}
    accounts = {row.label: row.scores for row in board.breakdowns["account"]}
    assert (accounts[world.account.name].csat_percent, accounts[world.account.name].nps) == (
        75.0,
        100,
    )
    assert (
        accounts[world.other_account.name].csat_percent,
        accounts[world.other_account.name].nps,
    ) == (0.0, -50)
    # Awaiting follow-up: the NPS 0 (overdue), the CSAT 2 (due tomorrow), the old CSAT 1.
    assert [row.item.id for row in board.follow_ups] == [
        figures["detractor"].id,
        figures["low"].id,
        figures["old"].id,
    ]
    assert (board.follow_up_total, board.follow_up_overdue) == (3, 1)
    # Themes on any feedback: slow replies 3 now (2 answers + 1 item) vs 1; billing 1 vs 2.
    assert [(t.name, t.this_period, t.last_period) for t in board.themes] == [
        ("Slow replies", 3, 1),
        ("Billing errors", 1, 2),
    ]
    # Twelve weeks and twelve months of trend; the 100-day-old rating is outside the weeks.
    assert len(board.weekly) == len(board.monthly) == 12
    assert sum(point.scores.csat_count for point in board.weekly) == 8
    assert sum(point.scores.nps_count for point in board.weekly) == 6
    assert sum(point.scores.csat_count for point in board.monthly) == 9


def test_the_dashboard_page_shows_the_figures_and_a_table_for_each_chart(
    client, login_as, world, figures
):
    login_as(world.supervisor)
    page = client.get("/feedback/voc").get_data(as_text=True)
    assert 'id="csat-percent">50.0%<' in page
    assert 'id="csat-average">3.33<' in page
    assert 'id="nps-score">40<' in page
    assert 'id="csat-response-rate">75.0%<' in page
    assert 'id="followup-total">3<' in page
    assert '<rect x="0%" y="0" width="75.0%"' in page  # queue 1's bar
    assert "style=" not in page.split("<main", 1)[1]  # the CSP forbids inline styles
    persian = client.post("/language", data={"language": "fa", "next": "/feedback/voc"})
    assert persian.status_code == 302
    page = client.get("/feedback/voc").get_data(as_text=True)
    assert 'dir="rtl"' in page and "۵۰٫۰%" in page
    assert '<rect x="25.0%" y="0" width="75.0%"' in page  # bars grow from the right


def test_dashboard_runs_a_fixed_number_of_queries(client, login_as, world, figures, count_queries):
    login_as(world.supervisor)
    client.get("/feedback/voc")
    with count_queries() as few:
        assert client.get("/feedback/voc").status_code == 200
    now = utcnow()
    for n in range(12):
        queue = factories.make_queue(1 + n % 3)
        agent = factories.make_user("agent")
        contact = factories.make_contact(factories.make_account())
        case = factories.make_case(contact, queue=queue, assignee=agent, category="shipping")
        theme = voc.create_theme(f"Theme {n}", by=world.supervisor)
        low = answer(FeedbackKind.CSAT, 1 + n % 5, now - timedelta(days=n), case=case)
        low.status, low.due_at = (NEW, now) if low.score <= 2 else (CLOSED, None)
        items._replace_themes(low, [theme])
        answer(FeedbackKind.NPS, n % 11, now - timedelta(days=n), account=contact.account)
    factories.db.session.commit()
    with count_queries() as many:
        assert client.get("/feedback/voc").status_code == 200
    assert len(many) == len(few)
    assert len(many) <= 20


def test_week_and_month_buckets_are_utc_weeks_from_monday_and_calendar_months(db, world):
    wednesday = datetime(2026, 3, 18, 12, 0, tzinfo=UTC)
    for moment, score in (
        (datetime(2026, 3, 16, 0, 30, tzinfo=UTC), 5),  # Monday of this week
        (datetime(2026, 3, 15, 23, 59, tzinfo=UTC), 1),  # Sunday of the week before
        (datetime(2026, 3, 1, 0, 0, tzinfo=UTC), 4),  # first minute of March
        (datetime(2026, 2, 28, 23, 59, tzinfo=UTC), 2),  # last minute of February
    ):
        answer(FeedbackKind.CSAT, score, moment, case=world.case)
    db.session.commit()
    weeks = trends.trend("week", now=wednesday)
    assert weeks[-1].starts == datetime(2026, 3, 16, tzinfo=UTC)
    assert (weeks[-1].scores.csat_count, weeks[-1].scores.csat_sum) == (1, 5)
    assert weeks[-2].starts == datetime(2026, 3, 9, tzinfo=UTC)
    assert (weeks[-2].scores.csat_count, weeks[-2].scores.csat_sum) == (1, 1)
    assert weeks[-3].starts == datetime(2026, 3, 2, tzinfo=UTC)
    assert weeks[-3].scores.csat_count == 0
    assert weeks[-4].starts == datetime(2026, 2, 23, tzinfo=UTC)
    assert (weeks[-4].scores.csat_count, weeks[-4].scores.csat_sum) == (2, 6)  # Sat 28, Sun 1
    months = trends.trend("month", now=wednesday)
    assert [m.starts.date().isoformat() for m in months[-2:]] == ["2026-02-01", "2026-03-01"]
    assert [(m.scores.csat_count, m.scores.csat_sum) for m in months[-2:]] == [(1, 2), (3, 10)]
    assert months[0].starts == datetime(2025, 4, 1, tzinfo=UTC)
    history = trends.trend("month", now=wednesday, account_id=world.other_account.id)
    assert sum(point.scores.csat_count for point in history) == 0


def test_csv_export_is_formula_safe_and_leaves_internal_discussion_out(
    client, db, login_as, world, figures
):
    hostile = factories.make_contact(world.account, name="=cmd|' /C calc'!A0")
    for summary in ('=HYPERLINK("http://evil.example")', "+1+1", "-2-2", "@SUM(A1:A9)"):
        voc.create_item(
            hostile, kind=FeedbackKind.COMPLAINT, summary=summary, detail="-detail",
            by=world.agent,
        )  # fmt: skip
    items.add_comment(figures["low"], CANARY + " internal", by=world.supervisor)
    db.session.commit()
    login_as(world.agent)
    assert client.get("/feedback/voc.csv").status_code == 403
    client.post("/logout")
    login_as(world.supervisor)
    response = client.get("/feedback/voc.csv?days=30")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    text = response.get_data().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    summaries = {row["summary"] for row in rows}
    assert {
        '\'=HYPERLINK("http://evil.example")',
        "'+1+1",
        "'-2-2",
        "'@SUM(A1:A9)",
    } <= summaries
    assert all(row["detail"] == "'-detail" for row in rows if row["summary"].startswith("'"))
    assert "'=cmd|' /C calc'!A0" in {row["contact"] for row in rows}
    assert text.count(CANARY) == 1  # the customer's own comment, never the staff discussion
    assert CANARY + " internal" not in text
    assert all(not value.startswith(("=", "+", "@")) for row in rows for value in row.values())
    assert len(rows) == 11 + 4 + 2  # this period: 11 answers, the 4 items above, 2 themed items


@pytest.mark.parametrize(
    "value, cell",
    [
        ("=1+2", "'=1+2"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@x", "'@x"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("\0x", "'\0x"),
        ("plain", "plain"),
        ("سلام =1", "سلام =1"),
        (None, ""),
        (-3, "-3"),
        (7, "7"),
    ],
)
def test_csv_cells_that_start_a_formula_get_an_apostrophe(value, cell):
    assert csv_export.csv_safe(value) == cell
    text = csv_export.to_csv([[value, 'quote " and, comma']], header=["a", "b"])
    parsed = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")))
    assert parsed[1] == [cell, 'quote " and, comma']
