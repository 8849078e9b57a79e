"""While a customer types a new case, similar resolved cases are offered, and a "this answers
my question" click is counted."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from portal import authz
from portal.extensions import db
from portal.models import AuditEvent, Case, CaseStatus, User


def resolved_subject(live_app) -> str:
    with live_app.app_context():
        me = db.session.scalar(db.select(User).where(User.email == "customer@example.com"))
        case = db.session.scalar(
            authz.visible_cases(me)
            .where(
                Case.requester_id == me.contact_id,
                Case.status.in_((CaseStatus.RESOLVED, CaseStatus.CLOSED)),
            )
            .order_by(Case.id)
            .limit(1)
        )
        if case is None:  # make one: the demo draw may not have resolved a case of this customer
            case = db.session.scalar(
                authz.visible_cases(me).where(Case.requester_id == me.contact_id).limit(1)
            )
            case.status = CaseStatus.RESOLVED
            db.session.commit()
            from portal.services import outbox

            outbox.deliver()
        return case.subject


def deflections(live_app) -> int:
    with live_app.app_context():
        return db.session.scalar(
            db.select(db.func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "case.deflection")
        )


def test_typing_a_subject_offers_resolved_cases(new_page, live_app):
    subject = resolved_subject(live_app)
    before = deflections(live_app)
    page = new_page("customer@example.com")
    expect(page).to_have_url(re.compile(r"/my$"))
    page.goto("/my/cases/new")
    # Selectors by id: an earlier test may have switched this customer to Persian.
    page.locator("#subject").press_sequentially(subject, delay=10)
    suggestions = page.locator("#deflection")
    expect(suggestions).to_be_visible()
    expect(suggestions).to_contain_text(subject)
    suggestions.locator("button").first.click()
    expect(page.locator(".deflection-thanks")).to_be_visible()  # shown once the click is stored
    assert deflections(live_app) == before + 1
