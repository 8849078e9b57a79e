"""The agent's reply box keeps what was typed: a macro goes in at the cursor without leaving
the page, a reload brings the draft back, and a sent reply forgets it (issue 12, item 8)."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from portal import authz
from portal.extensions import db
from portal.models import Case, CaseStatus, Macro, User

DRAFT_KEYS = "Object.keys(localStorage).filter(key => key.startsWith('casework.draft.'))"


def workable_case(live_app) -> str:
    """An open tier-1 case of the demo agent's queues."""
    with live_app.app_context():
        agent = db.session.scalar(db.select(User).where(User.email == "agent@example.com"))
        queue_ids = [queue.id for queue in agent.queues]
        case = db.session.scalar(
            authz.visible_cases(agent)
            .where(
                Case.tier == 1,
                Case.queue_id.in_(queue_ids),
                Case.status.in_(CaseStatus.WORKING),
                Case.merged_into_id.is_(None),
            )
            .order_by(Case.id.desc())
            .limit(1)
        )
        assert case is not None and db.session.scalar(
            db.select(db.func.count()).select_from(Macro).where(Macro.is_active)
        )
        return case.number


def sign_in(page, email: str) -> None:
    page.goto("/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill("casework-demo")
    page.locator("form button[type=submit]").last.click()
    expect(page).not_to_have_url(re.compile(r"/login"))


def test_macro_goes_in_at_the_cursor_and_the_draft_survives_a_reload(page, live_app):
    number = workable_case(live_app)
    sign_in(page, "agent@example.com")
    page.goto(f"/agent/cases/{number}")
    box = page.locator("#body")
    box.click()
    box.press_sequentially("Hello world")
    for _ in range(len("world")):
        box.press("ArrowLeft")
    page.locator("#internal").check()
    page.evaluate("window.stillHere = true")

    macro = page.locator("#macro option").first
    text = macro.get_attribute("data-text")
    assert text
    page.locator("#macro").select_option(macro.get_attribute("value"))
    page.locator("[data-insert-macro]").click()
    expect(box).to_have_value(f"Hello {text}world")
    assert page.evaluate("window.stillHere") is True, "inserting a macro left the page"
    expect(page).to_have_url(re.compile(rf"/agent/cases/{number}$"))

    page.reload()
    expect(box).to_have_value(f"Hello {text}world")
    expect(page.locator("#internal")).to_be_checked()

    box.press("End")
    box.press_sequentially(" - draft e2e note")
    page.locator("#reply-form button[type=submit]:not([formaction])").click()
    expect(page.locator("ol li", has_text="draft e2e note")).to_have_count(1)
    expect(box).to_have_value("")
    # The sent page's script forgets the draft: wait for it rather than racing it.
    page.wait_for_function(f"() => {DRAFT_KEYS}.length === 0")
    page.reload()
    expect(box).to_have_value("")
    expect(page.locator("#internal")).not_to_be_checked()
