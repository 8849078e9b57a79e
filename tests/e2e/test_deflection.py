"""While a customer types a new case, similar resolved cases are offered, and a "this answers
my question" click is counted; in Persian too, past many open cases sharing the words."""

from __future__ import annotations

import re
import secrets

from playwright.sync_api import expect

from portal import authz
from portal.extensions import db
from portal.infra import outbox
from portal.models import AuditEvent, Case, CaseStatus, Role, User
from tests import factories
from tests.e2e.conftest import ARTIFACTS, sign_in


def resolved_subject(live_app) -> str:
    with live_app.app_context():
        me = db.session.scalar(db.select(User).where(User.email == "customer@example.com"))
        case = db.session.scalar(
            authz.visible_cases(me)
            .where(
                Case.requester_id == me.contact_id,
                Case.status.in_(CaseStatus.DONE),
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


TYPED = "نمی توانم وارد نرم افزار حسابداری شوم"
ANSWER = "خطای ورود به نرم‌افزار حسابداری"


def persian_customer_with_many_open_cases(live_app) -> tuple[str, str]:
    """A Persian-speaking customer with 25 open cases worded as they will type, and one
    resolved case that answers it in other spellings; returns (email, its number)."""
    with live_app.app_context():
        email = f"deflect-{secrets.token_hex(4)}@example.com"
        me = factories.make_user(Role.CUSTOMER, email=email, language="fa")
        queue = factories.make_queue(1)
        for _ in range(25):
            factories.make_case(me.contact, queue=queue, subject=TYPED, status=CaseStatus.OPEN)
        answer = factories.make_case(
            me.contact, queue=queue, subject=ANSWER, status=CaseStatus.RESOLVED
        )
        db.session.commit()
        outbox.deliver()
        return email, answer.number


def test_persian_customer_gets_a_suggestion_past_many_open_cases(new_page, live_app):
    email, number = persian_customer_with_many_open_cases(live_app)
    blocked = []  # the CSP forbids inline script and style: the suggestions use neither
    page = new_page()
    page.on(
        "console",
        lambda message: (
            blocked.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    sign_in(page, email, factories.PASSWORD)
    page.goto("/my/cases/new")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.locator("#subject").press_sequentially(TYPED, delay=10)
    suggestions = page.locator("#deflection li")
    expect(suggestions).to_have_count(1)
    expect(suggestions.locator(".case-number")).to_have_text(number)
    expect(suggestions.locator("bdi")).to_have_text(ANSWER)
    shots = ARTIFACTS / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / "deflection-fa.png"), full_page=True)
    before = deflections(live_app)
    suggestions.locator("button").click()
    expect(page.locator(".deflection-thanks")).to_be_visible()
    assert deflections(live_app) == before + 1
    assert not blocked, blocked
