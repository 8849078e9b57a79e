"""Escalating without a reason, in a real browser: the answer opens on an error summary at the
top of the page, which has the focus and links to the reason field; the typed hand-off note
is still there. (The only message once sat below the fold of a page that looked unchanged.)"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from portal.extensions import db
from portal.models import Case, CaseStatus, Escalation, Queue

pytestmark = pytest.mark.usefixtures("english_afterwards")

NOTE = "Customer tried a restart.\nThen a second browser."


@pytest.fixture(scope="module")
def open_case(live_app) -> str:
    """An open front-line case nobody has escalated (the newest, so that other tests' picks
    are left alone)."""
    with live_app.app_context():
        return db.session.scalar(
            db.select(Case)
            .join(Queue, Case.queue_id == Queue.id)
            .where(Queue.name == "Front line", Case.status == CaseStatus.OPEN)
            .where(~Case.id.in_(db.select(Escalation.case_id)))
            .order_by(Case.id.desc())
            .limit(1)
        ).number


@pytest.mark.parametrize(
    "language,escalate,reason",
    [("en", "Escalate", "Reason"), ("fa", "ارجاع به سطح بالاتر", "دلیل")],
)
def test_escalating_without_a_reason_opens_on_the_error_summary(
    new_page, open_case, language, escalate, reason
):
    page = new_page("agent@example.com", language=language, viewport={"width": 1280, "height": 720})
    page.goto(f"/agent/cases/{open_case}")
    page.locator("#escalate-handoff-note").fill(NOTE)
    page.locator("#escalation").get_by_role("button", name=escalate).click()

    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    expect(summary).to_have_attribute("role", "alert")
    expect(page.locator("#escalate-handoff-note")).to_have_value(NOTE)
    summary.get_by_role("link", name=reason).click()
    expect(page.locator("#escalate-reason")).to_be_focused()
