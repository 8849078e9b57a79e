"""Issue 12, item 13: in Persian every number a person reads is in Persian digits (pages,
charts, validation messages, emails, file sizes; CSV excepted), typed days are Jalali, and
example days keep their order in right-to-left text."""

from __future__ import annotations

import re
from datetime import date

import pytest
from freezegun import freeze_time

from portal.extensions import db
from portal.models import (
    Account,
    Attachment,
    BusinessCalendar,
    Contact,
    Goal,
    Queue,
    Role,
    User,
)
from tests import factories
from tests.kpi_week import NOW
from tests.reading import as_read, page_text

WEEK = {"period": "custom", "first": "2026-11-02", "last": "2026-11-08"}
# What may stay in Western digits: case numbers (identifiers typed as they are) and addresses.
NOT_NUMBERS = re.compile(r"CS-\d{6}|[\w.+-]+@[\w.-]+")
NO_DIGITS = str.maketrans("0123456789", "abcdefghij")


def western_digits(html: str) -> list[str]:
    """Each run of Western digits a reader sees, with a little context."""
    text = NOT_NUMBERS.sub(" ", page_text(html))
    return [text[max(0, m.start() - 25) : m.end() + 25] for m in re.finditer(r"[0-9]+", text)]


def digit_free_names() -> None:
    """Factories number their names ("Agent 12"); readers' data may hold any digits, so the
    audit below uses names without them."""
    for model in (User, Contact, Account, Queue, BusinessCalendar):
        for row in db.session.scalars(db.select(model)):
            row.name = row.name.translate(NO_DIGITS)
    for account in db.session.scalars(db.select(Account)):
        account.email_domain = account.email_domain.translate(NO_DIGITS)


@pytest.fixture
def persian_supervisor(week, login_as):
    """Signed in at the week's end (pages show that week), in Persian."""
    with freeze_time(NOW):
        yield _persian_supervisor(week, login_as)


def _persian_supervisor(week, login_as):
    file_owner = week["cases"][0]
    db.session.add(
        Attachment(
            case_id=file_owner.id,
            storage_name="ab" * 16,
            display_name="screen.png",
            content_type="image/png",
            size_bytes=12_345,
            sha256="0",
        )
    )
    supervisor = factories.make_user(Role.SUPERVISOR, language="fa", name="Sara")
    supervisor.queues.extend([week["front"]])
    digit_free_names()
    db.session.commit()
    login_as(supervisor)
    return supervisor


def test_persian_pages_show_every_number_in_persian_digits(client, week, persian_supervisor):
    a, _b, c, d, *_ = week["cases"]
    pages = [
        ("/supervisor/dashboard", WEEK),
        ("/supervisor/reports", WEEK),
        ("/feedback/voc", {}),
        ("/agent", {}),
        (f"/agent/queues/{week['front'].id}", {"status": "active"}),
        (f"/agent/cases/{d.number}", {}),
        (f"/agent/cases/{a.number}", {}),
        (f"/agent/cases/{c.number}", {}),
        ("/agent/queues", {}),
        ("/agent/search", {"q": "Reply"}),
        ("/agent/contacts", {}),
        (f"/agent/accounts/{a.account_id}", {}),
        (f"/agent/contacts/{a.requester_id}", {}),
        ("/agent/notifications", {}),
        ("/supervisor/escalations", {"state": "all"}),
        ("/supervisor/goals", {}),
        ("/feedback/items", {}),
        ("/", {}),
    ]
    leaks = {}
    for path, args in pages:
        response = client.get(path, query_string=args)
        assert response.status_code == 200, path
        found = western_digits(response.get_data(as_text=True))
        if found:
            leaks[path] = found
    assert leaks == {}


@freeze_time(NOW)
def test_file_sizes_are_in_persian_words_and_digits(client, week, login_as):
    case = week["cases"][0]
    db.session.add(
        Attachment(
            case_id=case.id,
            storage_name="cd" * 16,
            display_name="log.txt",
            content_type="text/plain",
            size_bytes=12_345,
            sha256="0",
        )
    )
    customer = db.session.get(Contact, case.requester_id).user
    customer.language = "fa"
    db.session.commit()
    login_as(customer)
    text = page_text(client.get(f"/my/cases/{case.number}").get_data(as_text=True))
    assert "(۱۳ کیلوبایت)" in text and "KB" not in text


def test_password_length_message_is_in_persian_digits(client):
    client.post("/language", data={"language": "fa", "next": "/register"})
    response = client.post(
        "/register",
        data={
            "name": "Sara",
            "email": "sara@example.org",
            "password": "short",
            "confirm": "short",
            "language": "fa",
        },
    )
    assert response.status_code == 400
    text = page_text(response.get_data(as_text=True))
    assert "۸" in text and "8" not in NOT_NUMBERS.sub("", text)


def test_wtforms_own_messages_carry_persian_digits(client, login_as):
    login_as(factories.make_user(Role.SUPERVISOR, language="fa"))
    response = client.post(
        "/supervisor/goals/new",
        data={
            "name": "Faster",
            "metric": "created",
            "direction": "at_least",
            "target": "10",
            "owner_kind": "team",
            "period_start": "1405/09/01",
            "period_end": "1405/09/30",
            "thresholds": "75,100",
            "behind_margin": "500",  # NumberRange(0, 100): WTForms' own message
        },
    )
    assert response.status_code == 400
    errors = re.findall(
        r'class="invalid-feedback[^"]*"[^>]*>(.*?)</div>\s*</div>', response.text, re.S
    )
    assert errors and "۱۰۰" in page_text(errors[0]) and "100" not in page_text(errors[0])


def test_persian_password_reset_email_counts_minutes_in_persian(client, smtp):
    # No digits in the name or the address, and the link's are left out: a random token or a
    # factory's serial number containing "60" is not a number the email counts in.
    user = factories.make_user(
        Role.CUSTOMER, language="fa", name="Mina Rad", email="mina@casework.example"
    )
    db.session.commit()
    client.post("/password/forgot", data={"email": user.email})
    (message,) = smtp.wait_for(1)
    text = re.sub(r"https?://\S+", "", as_read(message.get_body(("plain",)).get_content()))
    assert "۶۰ دقیقه" in text and "60" not in text


def test_jalali_day_input_round_trip_on_a_goal(client, login_as):
    login_as(factories.make_user(Role.SUPERVISOR, language="fa"))
    form = {
        "name": "Faster",
        "metric": "created",
        "direction": "at_least",
        "target": "10",
        "owner_kind": "team",
        "period_start": "۱۴۰۵/۰۹/۱۶",
        "period_end": "1405-09-30",
        "thresholds": "75,100",
        "behind_margin": "10",
    }
    response = client.post("/supervisor/goals/new", data=form)
    assert response.status_code == 302, page_text(response.get_data(as_text=True))
    goal = db.session.scalars(db.select(Goal)).one()
    assert (goal.period_start, goal.period_end) == (date(2026, 12, 7), date(2026, 12, 21))
    html = client.get(f"/supervisor/goals/{goal.id}/edit").get_data(as_text=True)
    assert 'value="۱۴۰۵/۰۹/۱۶"' in html and 'value="۱۴۰۵/۰۹/۳۰"' in html
    assert 'placeholder="۱۴۰۵/۰۸/۱۰"' in html and 'type="date"' not in html
    # A day that does not exist is a form error in Persian, and what was typed stays.
    response = client.post("/supervisor/goals/new", data={**form, "period_start": "۱۴۰۵/۱۳/۴۰"})
    assert response.status_code == 400
    assert "این روز در تقویم وجود ندارد" in page_text(response.get_data(as_text=True))
    assert 'value="۱۴۰۵/۱۳/۴۰"' in response.get_data(as_text=True)


def test_english_day_input_stays_gregorian(client, login_as):
    login_as(factories.make_user(Role.SUPERVISOR, language="en"))
    html = client.get("/supervisor/goals/new").get_data(as_text=True)
    assert 'placeholder="2026-11-01"' in html


def test_dashboard_days_follow_the_period_shown(client, week, persian_supervisor):
    # A preset period leaves the custom days empty, whatever an old link carried.
    html = client.get(
        "/supervisor/dashboard", query_string={"period": "7", "first": "2026-01-01"}
    ).get_data(as_text=True)
    assert re.search(r'id="first" name="first" value=""', html)
    # A custom period shows its days in the reader's calendar (Jalali in Persian).
    html = client.get("/supervisor/dashboard", query_string=WEEK).get_data(as_text=True)
    assert 'value="۱۴۰۵/۰۸/۱۱"' in html and 'value="۱۴۰۵/۰۸/۱۷"' in html
    # The example day in the hint is isolated, so it is not turned around in Persian text.
    assert "<bdi>۱۴۰۵/۰۸/۱۰</bdi>" in html


def test_persian_csv_keeps_western_digits(client, week, persian_supervisor):
    response = client.get("/supervisor/dashboard", query_string={**WEEK, "format": "csv"})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "2026-11-02" in body and "۲۰۲۶" not in body


def test_persian_customer_pages_show_every_number_in_persian_digits(client, week, login_as):
    case = week["cases"][0]
    customer = db.session.get(Contact, case.requester_id).user
    customer.language = "fa"
    digit_free_names()
    db.session.commit()
    with freeze_time(NOW):
        login_as(customer)
        leaks = {}
        for path in (
            "/my",
            "/my/cases",
            f"/my/cases/{case.number}",
            "/my/cases/new",
            "/feedback/mine",
        ):
            found = western_digits(client.get(path).get_data(as_text=True))
            if found:
                leaks[path] = found
    assert leaks == {}


def test_persian_weekly_report_email_has_persian_digits(app, week, smtp):
    factories.make_user(Role.SUPERVISOR, language="fa", name="Sara", email="sara@example.org")
    digit_free_names()
    db.session.commit()
    with freeze_time("2026-11-09 08:00:00"):  # Monday: the report covers the fixture's week
        assert app.test_cli_runner().invoke(args=["reports", "weekly"]).exit_code == 0
    (message,) = [m for m in smtp.wait_for(2) if m["To"] == "sara@example.org"]
    text = as_read(message.get_body(("plain",)).get_content())
    assert "Needs a specialist" in text  # the top escalation reasons are numbered
    prose = "\n".join(line for line in text.splitlines() if "http" not in line)
    assert re.findall(r"[0-9]+", NOT_NUMBERS.sub(" ", prose)) == []
