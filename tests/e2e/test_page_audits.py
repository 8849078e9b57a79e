"""The main pages of every role, in English and in Persian, opened once each and audited twice
while they are open: axe-core finds no critical or serious accessibility violation (issue 12,
item 17), and no page breaks its own Content-Security-Policy (not one "Refused to ..." in the
console: an inline style or script the CSP dropped, as hand-off notes once lost their line
breaks to a refused `style=`). axe is loaded by an init script, which the CSP does not govern,
so the pages run under the same policy as for a user."""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from portal import authz
from portal.domain import escalations
from portal.domain.voc import surveys
from portal.extensions import db
from portal.infra import outbox
from portal.models import (
    Account,
    Case,
    CaseStatus,
    Contact,
    Escalation,
    Feedback,
    FeedbackKind,
    Goal,
    Queue,
    SurveyInvitation,
    User,
)
from portal.models._base import utcnow
from tests import factories
from tests.e2e import axe
from tests.e2e.conftest import switch_language

pytestmark = pytest.mark.usefixtures("english_afterwards")

LANGUAGES = ("fa", "en")
HANDOFF_NOTE = "Customer tried a restart.\nThen a second browser."
WORD = re.compile(r"[^\W\d_]{4,}")


def _search_word(subject: str) -> str:
    return max(WORD.findall(subject), key=len)


def is_csp_violation(text: str) -> bool:
    """Chromium words it "Refused to load/execute ..." or, for a style attribute, "Applying
    inline style violates the following Content Security Policy directive ..."."""
    return text.startswith("Refused to") or "Content Security Policy directive" in text


def _open_case(user: User, *conditions):
    return db.session.scalar(
        authz.visible_cases(user)
        .where(
            Case.status.in_(CaseStatus.WORKING),
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
def escalated(axe_ready, live_app) -> str:
    """A case the demo agent escalated with a two-line hand-off note; its number."""
    with live_app.app_context():
        agent = db.session.scalar(db.select(User).where(User.email == "agent@example.com"))
        case = db.session.scalar(
            db.select(Case)
            .join(Queue, Case.queue_id == Queue.id)
            .where(Queue.name == "Front line", Case.status == CaseStatus.OPEN)
            .where(~Case.id.in_(db.select(Escalation.case_id)))
            .order_by(Case.id)
            .limit(1)
        )
        escalations.escalate(
            case,
            by=agent,
            reason="Needs a specialist",
            handoff_note=HANDOFF_NOTE,
            version=case.version,
        )
        db.session.commit()
        outbox.deliver()
        return case.number


@pytest.fixture(scope="module")
def pages_by_role(axe_ready, escalated, live_server, live_app) -> dict[str, list[str]]:
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
            goal = factories.make_goal(created_by_id=supervisor.id)
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
            "/supervisor/goals/new",
            f"/supervisor/goals/{goal.id}",
            "/supervisor/escalations",
            f"/agent/cases/{escalated}",
            "/feedback/voc",
            "/feedback/themes",
            "/agent/macros",
            "/agent/contacts/duplicates",
        ]
    return {
        "visitor": ["/login", "/register", survey],
        "customer@example.com": customer_pages,
        "agent@example.com": agent_pages,
        "supervisor@example.com": supervisor_pages,
    }


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    "who", ["visitor", "customer@example.com", "agent@example.com", "supervisor@example.com"]
)
def test_main_pages_are_accessible_and_keep_to_their_csp(
    axe_ready, new_page, pages_by_role, who, language
):
    page = new_page(None if who == "visitor" else who)  # signed in, from cookies when it can
    axe.prepare(page.context)
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            is_csp_violation(message.text) and refused.append(f"{page.url}: {message.text}")
        ),
    )
    page.goto("/login" if who == "visitor" else "/")
    switch_language(page, language)
    violations = []
    for url in pages_by_role[who]:
        violations.extend(axe.audit(page, url))
        expect(page.locator("html")).to_have_attribute("lang", language)
    assert not violations, (
        f"axe found {len(violations)} critical or serious violation(s) for {who} in "
        f"{language}:\n{axe.report(violations)}"
    )
    assert refused == [], f"pages broke their Content-Security-Policy for {who} in {language}"


def test_hand_off_note_keeps_its_line_breaks(new_page, escalated):
    """The note is shown with a class (`.text-prewrap`), not a `style=` the CSP refuses."""
    page = new_page("supervisor@example.com")
    for path in ("/supervisor/escalations", f"/agent/cases/{escalated}"):
        page.goto(path)
        note = page.locator(".text-prewrap", has_text="Customer tried a restart.").first
        expect(note).to_have_text(HANDOFF_NOTE)
        assert note.inner_text() == HANDOFF_NOTE  # innerText keeps the break only if shown
