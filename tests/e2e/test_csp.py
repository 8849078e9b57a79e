"""No page breaks its own Content-Security-Policy: the main pages of the customer, the agent
and the supervisor, in English and Persian, open without a single "Refused to ..." in the
console (an inline style or script the CSP dropped, as hand-off notes once lost their line
breaks to a refused `style=`)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from portal import demo
from portal.extensions import db
from portal.models import Case, CaseStatus, Escalation, Queue, User
from portal.services import escalations, outbox

HANDOFF_NOTE = "Customer tried a restart.\nThen a second browser."

# For each demo login: the pages to open, then the list pages whose first row to follow.
MAIN_PAGES = {
    "customer@example.com": (
        ["/my", "/my/cases", "/my/cases/new", "/my/search?q=printer", "/feedback/mine", "/profile"],
        ["/my/cases"],
    ),
    "agent@example.com": (
        [
            "/",
            "/agent",
            "/agent/queues",
            "/agent/accounts",
            "/agent/contacts",
            "/agent/search?q=printer",
            "/agent/notifications",
            "/feedback/items",
            "/profile",
        ],
        ["/", "/agent/queues", "/agent/accounts", "/agent/contacts"],
    ),
    "supervisor@example.com": (
        [
            "/",
            "/supervisor/dashboard",
            "/supervisor/escalations",
            "/supervisor/goals",
            "/supervisor/goals/new",
            "/supervisor/reports",
            "/feedback/voc",
            "/feedback/themes",
            "/agent/macros",
            "/agent/contacts/duplicates",
        ],
        ["/", "/agent/queues"],
    ),
}
LANGUAGE_BUTTONS = {"en": "English", "fa": "فارسی"}


@pytest.fixture(autouse=True)
def english_afterwards(live_app):
    """Choosing a language here is remembered on the demo user: put English back afterwards,
    for the tests that expect the demo logins in English."""
    yield
    with live_app.app_context():
        emails = [entry[0] for entry in demo.STAFF + demo.CUSTOMERS]
        db.session.execute(db.update(User).where(User.email.in_(emails)).values(language="en"))
        db.session.commit()


def sign_in(page, email: str, language: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("casework-demo")
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile(r"/login"))
    page.get_by_role("button", name=LANGUAGE_BUTTONS[language]).click()
    expect(page.locator("html")).to_have_attribute("lang", language)


def is_csp_violation(text: str) -> bool:
    """Chromium words it "Refused to load/execute ..." or, for a style attribute, "Applying
    inline style violates the following Content Security Policy directive ..."."""
    return text.startswith("Refused to") or "Content Security Policy directive" in text


@pytest.fixture(scope="module")
def escalated(live_app) -> str:
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


def first_row_link(page) -> str | None:
    """The first link of the page's main list or table (a case, queue, account or contact)."""
    links = page.locator("main table tbody a, main .list-group a, main .card a.card")
    return links.first.get_attribute("href") if links.count() else None


@pytest.mark.parametrize("language", ["en", "fa"])
@pytest.mark.parametrize("email", list(MAIN_PAGES))
def test_main_pages_break_no_content_security_policy(page, escalated, email, language):
    refused: list[str] = []

    def note(message) -> None:
        if is_csp_violation(message.text):
            refused.append(f"{page.url}: {message.text}")

    page.on("console", note)
    sign_in(page, email, language)
    pages, lists = MAIN_PAGES[email]
    if email == "supervisor@example.com":
        pages = [*pages, f"/agent/cases/{escalated}"]
    visited = []
    for path in pages:
        page.goto(path)
        expect(page.locator("main h1").first).to_be_visible()
        visited.append(path)
    for path in lists:
        page.goto(path)
        target = first_row_link(page)
        assert target, f"nothing to follow on {path}"
        page.goto(target)
        expect(page.locator("main h1").first).to_be_visible()
        visited.append(target)
    assert any("/cases/CS-" in path for path in visited), visited
    assert refused == []


def test_hand_off_note_keeps_its_line_breaks(page, escalated):
    """The note is shown with a class (`.text-prewrap`), not a `style=` the CSP refuses."""
    sign_in(page, "supervisor@example.com", "en")
    for path in ("/supervisor/escalations", f"/agent/cases/{escalated}"):
        page.goto(path)
        note = page.locator(".text-prewrap", has_text="Customer tried a restart.").first
        expect(note).to_have_text(HANDOFF_NOTE)
        assert note.inner_text() == HANDOFF_NOTE  # innerText keeps the break only if shown
