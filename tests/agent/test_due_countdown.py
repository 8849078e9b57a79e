"""Issue 12, item 15: lists show the SLA clock that matters now (first response until it is
met, then resolution; paused while pending) as a labelled relative countdown with the due
time on hover, computed on the server; timestamps in lists have no seconds."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta

import pytest
from freezegun import freeze_time

from portal.domain import cases, sla
from portal.extensions import db
from portal.models import CaseStatus, Role, User
from tests import factories
from tests.reading import page_text

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday


@pytest.fixture
def desk(app):
    """A round-the-clock policy (first response 60 min, resolution 240, warning at 80%), a
    queue, its agent, and a case opened at T0 and assigned to the agent."""
    calendar = factories.make_calendar(weekdays="1234567", opens_at=time(0), closes_at=time(0))
    factories.make_policy(
        calendar, first_response_minutes=60, resolution_minutes=240, warning_percent=80
    )
    queue = factories.make_queue(1)
    agent = factories.make_user(Role.AGENT, max_tier=1)
    agent.queues.append(queue)
    case = factories.make_case(
        queue=queue, status=CaseStatus.OPEN, assignee=agent, created_at=T0, updated_at=T0
    )
    sla.start_clock(case, now=T0)
    db.session.commit()
    return {"queue": queue, "agent": agent, "case": case}


def due_cell(client, login_as, desk, at: datetime, path: str | None = None) -> tuple[str, str]:
    """(visible words, raw HTML) of the case's countdown on the queue page at `at`."""
    with freeze_time(at):
        reader = client.application.test_client()  # a fresh sign-in: sessions go idle
        login_as(desk["agent"], test_client=reader)
        html = reader.get(path or f"/agent/queues/{desk['queue'].id}").get_data(as_text=True)
    badge = re.search(r'<time class="badge sla-countdown[^"]*"[^>]*>.*?</time>', html, re.S)
    assert badge, "no countdown on the page"
    return page_text(badge.group(0)), badge.group(0)


def test_first_response_counts_down_then_is_overdue(client, login_as, desk):
    words, badge = due_cell(client, login_as, desk, T0 + timedelta(minutes=50))
    # The due time is on hover, to the minute; the label says which target it is.
    assert words == "First response due Mar 2, 2026, 10:00 AM First response: due in 10 min"
    assert "text-bg-warning" in badge and 'datetime="2026-03-02T10:00:00+00:00"' in badge
    words, badge = due_cell(client, login_as, desk, T0 + timedelta(hours=3, minutes=10))
    assert words.endswith("First response: overdue by 2 h 10 min")
    assert "text-bg-danger" in badge
    # The same on my work list.
    words, _badge = due_cell(client, login_as, desk, T0 + timedelta(hours=3, minutes=10), "/agent")
    assert words.endswith("First response: overdue by 2 h 10 min")


def test_once_answered_the_resolution_clock_shows_and_no_breached_badge(client, login_as, desk):
    with freeze_time(T0 + timedelta(hours=2)):  # first response late: breached for good
        cases.add_reply(desk["case"], body="Looking", by=desk["agent"])
        db.session.commit()
    words, badge = due_cell(client, login_as, desk, T0 + timedelta(hours=2, minutes=20))
    # Not a red "breached" next to a future time: the resolution target, on time.
    assert words.endswith("Resolution: due in 1 h 40 min")
    assert "text-bg-danger" not in badge and "breached" not in words


def test_a_pending_case_says_its_clock_is_paused(client, login_as, desk):
    with freeze_time(T0 + timedelta(minutes=30)):
        cases.add_reply(desk["case"], body="Can you send the log?", by=desk["agent"])
        cases.change_status(desk["case"], CaseStatus.PENDING, by=desk["agent"])
        db.session.commit()
    words, badge = due_cell(client, login_as, desk, T0 + timedelta(days=2))
    assert words.endswith("Resolution: paused while waiting on the customer, 3 h 30 min left")
    assert "text-bg-info" in badge


def test_persian_countdown_in_persian_words_and_digits(client, login_as, desk):
    db.session.get(User, desk["agent"].id).language = "fa"
    db.session.commit()
    words, _badge = due_cell(client, login_as, desk, T0 + timedelta(minutes=50))
    assert words == "موعد اولین پاسخ: ۱۱ اسفند ۱۴۰۴، ۱۰:۰۰ اولین پاسخ: ۱۰ دقیقه تا موعد"
    words, _badge = due_cell(client, login_as, desk, T0 + timedelta(days=1, hours=3))
    assert words.endswith("اولین پاسخ: ۱ روز ۲ ساعت گذشته از موعد")


def test_list_timestamps_have_no_seconds(client, login_as, desk):
    with freeze_time(T0 + timedelta(minutes=5)):
        login_as(desk["agent"])
        text = page_text(client.get(f"/agent/cases/{desk['case'].number}").get_data(as_text=True))
    assert "Mar 2, 2026, 9:00 AM" in text and "9:00:00" not in text
