"""A refused form answers with a summary at the top of the page and keeps what was typed.

The summary (templates/_form.html, shown by the base layout) is an alert that takes the focus
and links to each invalid field; the fields come back with the text that was sent. Escalating
without a reason once answered 400 with the only message far below the fold.
"""

from __future__ import annotations

from datetime import timedelta
from html.parser import HTMLParser

import pytest

from portal.domain import escalations
from portal.domain.voc import surveys
from portal.models import CaseStatus, FeedbackTheme, Role
from portal.models._base import utcnow
from tests import factories

LONG = "x" * 20_001


class FormPage(HTMLParser):
    """The error summary's attributes and links, and every form control by id with the value
    it shows (an input's value, a textarea's text, a checkbox's state)."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.summary: dict | None = None
        self.summary_links: list[str] = []
        self.summary_before_heading = False
        self.controls: dict[str, str] = {}
        self._in_summary = 0
        self._textarea: str | None = None
        self._seen_heading = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if values.get("id") == "error-summary":
            self.summary = values
            self.summary_before_heading = not self._seen_heading
            self._in_summary = 1
        elif self._in_summary and tag == "div":
            self._in_summary += 1
        if tag == "h1":
            self._seen_heading = True
        if self._in_summary and tag == "a":
            self.summary_links.append(values.get("href", ""))
        if tag == "input" and values.get("id"):
            checked = "checked" in values if values.get("type") == "checkbox" else None
            self.controls[values["id"]] = (
                str(checked) if checked is not None else values.get("value") or ""
            )
        elif tag == "select" and values.get("id"):
            self.controls[values["id"]] = ""
        elif tag == "textarea" and values.get("id"):
            self._textarea = values["id"]
            self.controls[self._textarea] = ""

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        if self._in_summary and tag == "div":
            self._in_summary -= 1

    def handle_data(self, data):
        if self._textarea:
            self.controls[self._textarea] += data


def assert_summary(response, *, invalid: set[str], kept: dict[str, str], status: int = 400):
    """The page came back with `status`, a focusable alert above the heading that links to
    exactly the `invalid` fields (each present on the page), and the `kept` values."""
    html = response.get_data(as_text=True)
    assert response.status_code == status, html[:500]
    page = FormPage(html)
    assert page.summary is not None, "no error summary"
    assert page.summary["role"] == "alert" and page.summary["tabindex"] == "-1"
    assert "autofocus" in page.summary
    assert page.summary_before_heading
    targets = {href.removeprefix("#") for href in page.summary_links}
    assert targets == invalid
    assert invalid <= set(page.controls), invalid - set(page.controls)
    for control, value in kept.items():
        assert page.controls.get(control, "").strip() == value, control


@pytest.fixture
def desk(db):
    front = factories.make_queue(1, name="Front line")
    factories.make_queue(2, name="Specialists")
    agent = factories.make_user(Role.AGENT, name="Tara Tier1")
    agent.queues.append(front)
    supervisor = factories.make_user(Role.SUPERVISOR)
    customer = factories.make_user(Role.CUSTOMER)
    case = factories.make_case(customer.contact, queue=front, status=CaseStatus.OPEN)
    db.session.commit()
    return {"agent": agent, "supervisor": supervisor, "customer": customer, "case": case}


def test_escalating_without_a_reason_shows_the_summary_and_keeps_the_note(client, login_as, desk):
    login_as(desk["agent"])
    case = desk["case"]
    response = client.post(
        f"/agent/cases/{case.number}/escalate",
        data={
            "to_queue": "0",
            "to_agent": "0",
            "reason": "",
            "handoff_note": "Tried a restart.",
            "version": case.version,
        },
    )
    assert_summary(
        response,
        invalid={"escalate-reason"},
        kept={"escalate-handoff-note": "Tried a restart.", "escalate-reason": ""},
    )
    assert "This field is required." in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "path,data,invalid,kept",
    [
        ("reply", {"body": LONG, "internal": "y"}, {"body"}, {"body": LONG, "internal": "True"}),
        (
            "interactions",
            {"channel": "phone", "direction": "inbound", "summary": "Asked about the invoice"},
            {"occurred_at"},
            {"summary": "Asked about the invoice"},
        ),
        ("link", {"other": "CS-" + "9" * 30}, {"other"}, {"other": "CS-" + "9" * 30}),
        ("merge", {"into": "CS-" + "9" * 30}, {"into"}, {"into": "CS-" + "9" * 30}),
        ("assign", {"assignee": "999999"}, {"assignee"}, {}),
    ],
)
def test_case_page_forms_come_back_as_sent(client, login_as, desk, path, data, invalid, kept):
    login_as(desk["agent"])
    case = desk["case"]
    response = client.post(
        f"/agent/cases/{case.number}/{path}", data={**data, "version": case.version}
    )
    assert_summary(response, invalid=invalid, kept=kept)


def test_customer_forms_come_back_as_sent(client, login_as, desk):
    login_as(desk["customer"])
    response = client.post(
        "/my/cases/new",
        data={"subject": "Printer on fire", "description": "", "priority": "normal"},
    )
    assert_summary(response, invalid={"description"}, kept={"subject": "Printer on fire"})
    response = client.post(f"/my/cases/{desk['case'].number}/reply", data={"body": LONG})
    assert_summary(response, invalid={"body"}, kept={"body": LONG})
    response = client.post(
        "/feedback/mine/new", data={"kind": "complaint", "summary": "Too slow", "detail": ""}
    )
    assert_summary(response, invalid={"detail"}, kept={"summary": "Too slow"})
    response = client.post(
        "/profile", data={"name": "", "language": "en", "timezone": "Mars/Olympus"}
    )
    assert_summary(response, invalid={"name", "timezone"}, kept={"name": ""})


def test_registration_comes_back_as_sent(client):
    response = client.post(
        "/register",
        data={"name": "Reza Rahimi", "email": "not-an-address", "password": "", "confirm": ""},
    )
    assert_summary(
        response,
        invalid={"email", "password", "confirm"},
        kept={"name": "Reza Rahimi", "email": "not-an-address"},
    )


def test_staff_forms_come_back_as_sent(client, login_as, desk, db):
    login_as(desk["supervisor"])
    response = client.post(
        "/supervisor/goals/new",
        data={"name": "Faster replies", "metric": "resolved", "owner_kind": "team"},
    )
    invalid = {"target", "period_start", "period_end", "behind_margin"}
    assert_summary(response, invalid=invalid, kept={"name": "Faster replies"})
    response = client.post(
        "/agent/macros/new", data={"name": "Greeting two", "language": "en", "body": ""}
    )
    assert_summary(response, invalid={"body"}, kept={"name": "Greeting two"})
    response = client.post(
        "/agent/accounts/new",
        data={"name": "", "email_domain": "acme.test", "entitlement": "standard", "owner_id": "0"},
    )
    assert_summary(response, invalid={"name"}, kept={"email_domain": "acme.test"})
    response = client.post("/agent/contacts/new", data={"name": "", "email": "ana@acme.test"})
    assert_summary(response, invalid={"name"}, kept={"email": "ana@acme.test"})
    response = client.post(
        "/feedback/log",
        data={"kind": "complaint", "channel": "phone", "case_number": "CS-999999",
              "summary": "Waited an hour", "detail": "On the phone."},
    )  # fmt: skip
    assert_summary(response, invalid={"case_number"}, kept={"summary": "Waited an hour"})


def test_inbox_and_theme_rows_come_back_as_sent(client, login_as, desk, db):
    case = desk["case"]
    escalation = escalations.escalate(
        case, by=desk["agent"], reason="Needs a specialist", version=case.version
    )
    theme = FeedbackTheme(name="Billing")
    db.session.add(theme)
    db.session.commit()
    login_as(desk["supervisor"])
    too_long = "Walk them through the settings. " * 200
    response = client.post(
        f"/supervisor/escalations/{escalation.id}/return", data={"guidance": too_long}
    )
    assert_summary(
        response,
        invalid={f"guidance-{escalation.id}"},
        kept={f"guidance-{escalation.id}": too_long.strip()},
    )
    response = client.post(f"/feedback/themes/{theme.id}", data={"name": "B" * 61})
    assert_summary(response, invalid={f"name-{theme.id}"}, kept={f"name-{theme.id}": "B" * 61})


def test_survey_without_a_score_shows_the_summary(client, desk, db):
    case = desk["case"]
    case.status, case.resolved_at = CaseStatus.RESOLVED, utcnow() - timedelta(hours=1)
    invitation = surveys.send_csat(case)
    db.session.commit()
    response = client.post(f"/feedback/s/{surveys.make_token(invitation)}", data={})
    assert_summary(response, invalid={"score-0"}, kept={})


def test_a_page_without_errors_has_no_summary(client, login_as, desk):
    login_as(desk["agent"])
    html = client.get(f"/agent/cases/{desk['case'].number}").get_data(as_text=True)
    assert FormPage(html).summary is None
