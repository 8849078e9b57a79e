"""axe-core finds no critical or serious accessibility violation on any main page, for every
role, in English and in Persian (issue 12, item 17)."""

from __future__ import annotations

import re
import secrets
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from portal import authz
from portal.extensions import db
from portal.models import (
    Account,
    Case,
    CaseStatus,
    Contact,
    Escalation,
    Feedback,
    FeedbackKind,
    Goal,
    GoalDirection,
    GoalOwnerKind,
    Queue,
    SurveyInvitation,
    User,
)
from portal.models._base import utcnow
from portal.services import surveys
from tests.e2e import axe
from tests.e2e.conftest import CHROMIUM_ARGS

LANGUAGES = ("fa", "en")  # English last: later tests find the demo users as they were
WORD = re.compile(r"[^\W\d_]{4,}")


def _search_word(subject: str) -> str:
    return max(WORD.findall(subject), key=len)


def _open_case(user: User, *conditions):
    return db.session.scalar(
        authz.visible_cases(user)
        .where(
            Case.status.in_((CaseStatus.NEW, CaseStatus.OPEN, CaseStatus.PENDING)),
            Case.merged_into_id.is_(None),
            *conditions,
        )
        .order_by(Case.id)
        .limit(1)
    )


@pytest.fixture(scope="session")
def axe_ready():
    """Fail or skip before any server starts when axe-core is missing."""
    return axe.axe_script()


@pytest.fixture(scope="module")
def pages_by_role(axe_ready, live_server, live_app) -> dict[str, list[str]]:
    """The main pages of each role, with real records of the demo data in their addresses
    (a goal, a feedback item of the customer and a survey link are added when missing)."""
    with live_app.app_context():
        users = {
            user.email.split("@")[0]: user
            for user in db.session.scalars(db.select(User).where(User.email.like("%@example.%")))
        }
        customer, agent, supervisor = users["customer"], users["agent"], users["supervisor"]
        customer_case = _open_case(customer, Case.requester_id == customer.contact_id)
        agent_case = _open_case(agent, Case.tier == 1)
        escalated = db.session.scalar(
            db.select(Case).join(Escalation, Escalation.case_id == Case.id).limit(1)
        )
        queue = db.session.scalar(db.select(Queue).order_by(Queue.tier, Queue.id).limit(1))
        account = db.session.scalar(db.select(Account).order_by(Account.id).limit(1))
        contact = db.session.scalar(db.select(Contact).order_by(Contact.id).limit(1))
        staff_item = db.session.scalar(db.select(Feedback).order_by(Feedback.id).limit(1))
        my_item = db.session.scalar(
            db.select(Feedback).where(
                Feedback.contact_id == customer.contact_id, Feedback.kind != FeedbackKind.CSAT
            )
        )
        if my_item is None:
            my_item = Feedback(
                kind=FeedbackKind.COMPLAINT,
                summary="The export page times out every Monday.",
                contact_id=customer.contact_id,
                account_id=customer.contact.account_id,
            )
            db.session.add(my_item)
        goal = db.session.scalar(db.select(Goal).limit(1))
        if goal is None:
            today = date.today()
            goal = Goal(
                name="Resolve forty",
                metric="resolved",
                owner_kind=GoalOwnerKind.TEAM,
                period_start=today - timedelta(days=7),
                period_end=today + timedelta(days=7),
                target=40.0,
                direction=GoalDirection.AT_LEAST,
                created_by_id=supervisor.id,
                alerted_thresholds="",
            )
            db.session.add(goal)
        now = utcnow()
        invitation = SurveyInvitation(
            kind=FeedbackKind.NPS,
            nonce=secrets.token_hex(16),
            contact_id=customer.contact_id,
            account_id=customer.contact.account_id,
            sent_at=now,
            expires_at=now + timedelta(days=7),
        )
        db.session.add(invitation)
        db.session.commit()
        survey = f"/feedback/s/{surveys.make_token(invitation)}"
        customer_pages = [
            "/",
            "/my",
            "/my/cases",
            f"/my/cases/{customer_case.number}",
            "/my/cases/new",
            f"/my/search?q={_search_word(customer_case.subject)}",
            "/feedback/mine",
            f"/feedback/mine/{my_item.id}",
            "/profile",
        ]
        agent_pages = [
            "/",
            "/agent",
            "/agent/queues",
            f"/agent/queues/{queue.id}",
            f"/agent/cases/{agent_case.number}",
            f"/agent/search?q={_search_word(agent_case.subject)}",
            "/agent/notifications",
            "/agent/accounts",
            f"/agent/accounts/{account.id}",
            "/agent/contacts",
            f"/agent/contacts/{contact.id}",
            "/feedback/items",
            f"/feedback/items/{staff_item.id}",
            "/profile",
        ]
        supervisor_pages = [
            "/",
            "/supervisor/dashboard",
            "/supervisor/reports",
            "/supervisor/goals",
            f"/supervisor/goals/{goal.id}",
            "/supervisor/escalations",
            f"/agent/cases/{escalated.number}",
            "/feedback/voc",
            "/agent/macros",
        ]
    return {
        "visitor": ["/login", "/register", survey],
        "customer@example.com": customer_pages,
        "agent@example.com": agent_pages,
        "supervisor@example.com": supervisor_pages,
    }


@pytest.fixture(scope="module")
def browser(axe_ready, chromium_path, live_server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    "who", ["visitor", "customer@example.com", "agent@example.com", "supervisor@example.com"]
)
def test_main_pages_have_no_serious_accessibility_violations(
    axe_ready, browser, live_server, pages_by_role, who, language
):
    context = browser.new_context(
        base_url=live_server, bypass_csp=True, viewport={"width": 1280, "height": 900}
    )
    axe.prepare(context)
    page = context.new_page()
    try:
        page.goto("/login")
        if who != "visitor":
            page.locator("#email").fill(who)
            page.locator("#password").fill("casework-demo")
            page.locator("main form button[type=submit]").click()
            expect(page).not_to_have_url(re.compile(r"/login"))
        page.locator(f"form.nav-lang button[value={language}]").click()
        expect(page.locator("html")).to_have_attribute("lang", language)
        violations = []
        for url in pages_by_role[who]:
            violations.extend(axe.audit(page, url))
            expect(page.locator("html")).to_have_attribute("lang", language)
    finally:
        context.close()
    assert not violations, (
        f"axe found {len(violations)} critical or serious violation(s) for {who} in "
        f"{language}:\n{axe.report(violations)}"
    )
