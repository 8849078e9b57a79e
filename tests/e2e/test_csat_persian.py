"""A Persian-speaking customer's case is resolved; they click a rating in the survey email,
confirm it on the right-to-left survey page and see the thank-you page."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from portal.domain import cases
from portal.domain.voc import surveys
from portal.extensions import db
from portal.infra import outbox
from portal.models import Case, CaseStatus, Feedback, FeedbackKind, User

CUSTOMER = "customer@example.com"
LINK = re.compile(r"https?://\S+/feedback/s/[A-Za-z0-9._\-]+\?score=\d+")


def resolve_a_case_in_persian(live_app) -> str:
    """Set the demo customer's language to Persian, resolve one of their open cases as the
    agent and send its survey; returns the case number."""
    with live_app.app_context():
        if "feedback" not in live_app.blueprints:
            pytest.skip("the feedback blueprint is not registered in create_app yet")
        customer = db.session.scalar(sa.select(User).where(User.email == CUSTOMER))
        agent = db.session.scalar(sa.select(User).where(User.email == "agent@example.com"))
        customer.language = "fa"
        case = db.session.scalar(
            sa.select(Case)
            .where(
                Case.requester_id == customer.contact_id,
                Case.status.in_(CaseStatus.WORKING),
            )
            .order_by(Case.id)
            .limit(1)
        )
        if case is None:  # the demo data is random: make sure there is an open case
            case = cases.open_case(
                requester=customer.contact, subject="صورت‌حساب اسفند", description="…", by=None
            )
            db.session.flush()
        cases.change_status(case, CaseStatus.RESOLVED, by=agent)
        surveys.send_csat(case)  # a no-op once change_status sends it itself
        db.session.commit()
        outbox.deliver_committed()
        return case.number


def test_persian_customer_rates_a_case_from_the_survey_email(page, live_app, live_smtp, screenshot):
    number = resolve_a_case_in_persian(live_app)
    mails = [
        m
        for m in live_smtp.wait_for(1, timeout=10)
        if m["To"] == CUSTOMER and number in str(m["Subject"]) and "/feedback/s/" in m.as_string()
    ]
    assert mails, "no survey email reached the SMTP server"
    text = mails[-1].get_body(("plain",)).get_content()
    links = LINK.findall(text)
    assert len(links) == 5
    five = urlsplit(links[-1])  # the "5" link; opened on the live server's own address
    page.goto(f"{five.path}?{five.query}")

    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "fa")
    chosen = page.locator("input[name='score'][value='5']")
    expect(chosen).to_be_checked()  # pre-selected from the link; nothing stored yet
    screenshot(page, "survey")
    page.locator("#survey-form button[type='submit']").click()
    expect(page).to_have_url(re.compile(r"/feedback/s/.+/thanks"))

    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator(".rating-given")).to_have_attribute("data-score", "5")
    page.locator("textarea[name='comment']").fill("پاسخ سریع و دقیق بود، ممنون")
    page.locator("#survey-thanks form button[type='submit']").click()
    expect(page).to_have_url(re.compile(r"saved=comment"))
    screenshot(page, "thanks")

    with live_app.app_context():
        case_id = Case.id_from_number(number)
        answer = db.session.scalar(
            sa.select(Feedback).where(
                Feedback.case_id == case_id, Feedback.kind == FeedbackKind.CSAT
            )
        )
        assert answer is not None and answer.score == 5
        assert answer.detail == "پاسخ سریع و دقیق بود، ممنون"
